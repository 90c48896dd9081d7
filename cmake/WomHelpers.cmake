# SPDX-License-Identifier: MIT
# One place for the language level, warnings and sanitizer flags of every wom target.

function(wom_target_defaults target)
  target_compile_features(${target} PUBLIC cxx_std_20)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wshadow -Wpedantic -Wnon-virtual-dtor
                                           -Wold-style-cast -Wformat=2)
  if(WOM_WARNINGS_AS_ERRORS)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
  if(WOM_SANITIZER STREQUAL "address")
    target_compile_options(${target} PUBLIC -fsanitize=address,undefined -fno-omit-frame-pointer
                                            -fno-sanitize-recover=undefined)
    target_link_options(${target} PUBLIC -fsanitize=address,undefined)
  elseif(WOM_SANITIZER STREQUAL "thread")
    target_compile_options(${target} PUBLIC -fsanitize=thread)
    target_link_options(${target} PUBLIC -fsanitize=thread)
  endif()
  if(WOM_BUILD_FUZZERS)
    target_compile_options(${target} PRIVATE -fsanitize=fuzzer-no-link)
  endif()
endfunction()

# wom_add_library(<name> SOURCES ... DEPENDS ...): static library wom_<name>, alias wom::<name>.
function(wom_add_library name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPENDS" ${ARGN})
  add_library(wom_${name} STATIC ${ARG_SOURCES})
  add_library(wom::${name} ALIAS wom_${name})
  target_include_directories(wom_${name} PUBLIC ${PROJECT_SOURCE_DIR} ${PROJECT_BINARY_DIR}/generated)
  target_link_libraries(wom_${name} PUBLIC ${ARG_DEPENDS})
  add_dependencies(wom_${name} wom_version)  # generated/sim/version.hpp, current before any compile
  wom_target_defaults(wom_${name})
endfunction()

# wom_add_test(<name> SOURCES ... LABELS ... [DEPENDS ...]): one doctest binary, one ctest entry.
# Its main() comes from wom_doctest_main (tests/CMakeLists.txt), compiled once for all tests:
# doctest's implementation takes 10-15 s to compile, under the sanitizers most of all.
function(wom_add_test name)
  cmake_parse_arguments(ARG "" "" "SOURCES;LABELS;DEPENDS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE wom_doctest_main ${ARG_DEPENDS})
  target_include_directories(${name} PRIVATE ${PROJECT_SOURCE_DIR}/tests)
  target_compile_definitions(${name} PRIVATE WOM_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
                                             WOM_DATA_DIR="${PROJECT_SOURCE_DIR}/../shared/data")
  wom_target_defaults(${name})
  add_test(NAME ${name} COMMAND ${name})
  set_tests_properties(${name} PROPERTIES LABELS "${ARG_LABELS}")
endfunction()
