# SPDX-License-Identifier: MIT
# Writes generated/sim/version.hpp with the commit the tree is at ("-modified" appended when
# tracked files differ from it). Run at every build (target wom_version), not only at
# configure time, so that an incremental build records the commit it was built from;
# configure_file rewrites the header only when its text changes, so an unchanged commit
# rebuilds nothing.
# Inputs: SOURCE_DIR, PROJECT_VERSION, IN (version.hpp.in), OUT (version.hpp).
execute_process(COMMAND git rev-parse --short=12 HEAD
  WORKING_DIRECTORY ${SOURCE_DIR}
  OUTPUT_VARIABLE WOM_GIT_COMMIT OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
if(NOT WOM_GIT_COMMIT)
  set(WOM_GIT_COMMIT "unknown")
else()
  # Tracked files that differ from the commit: the binary is not what the commit says, and
  # its output files should not claim it is.
  execute_process(COMMAND git status --porcelain --untracked-files=no
    WORKING_DIRECTORY ${SOURCE_DIR}
    OUTPUT_VARIABLE WOM_GIT_CHANGES OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
  if(WOM_GIT_CHANGES)
    string(APPEND WOM_GIT_COMMIT "-modified")
  endif()
endif()
configure_file(${IN} ${OUT} @ONLY)
