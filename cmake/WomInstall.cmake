# SPDX-License-Identifier: MIT
# Installation and the CMake package, included from the top-level CMakeLists.txt once every
# target exists. `cmake --install build --prefix P` puts:
#   P/bin/wom                                   the executable
#   P/lib/libwom_{sim,models,output,scenarios}.a
#   P/include/wom/{sim,models,output,scenarios}/...hpp   (include lines as in the tree:
#                                               #include "scenarios/pipeline.hpp")
#   P/lib/cmake/wom/womConfig*.cmake, womTargets*.cmake   find_package(wom) -> wom::sim,
#                                               wom::models, wom::output, wom::scenarios
#   P/share/wom/python/*.py                     the Python reader and plotting module
#   P/share/doc/wom/                            README, CITATION.cff and docs/*.md
# docs/embedding.md shows a consumer; tests/install/ builds one against a fresh install.

include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(WOM_INSTALL_INCLUDEDIR ${CMAKE_INSTALL_INCLUDEDIR}/wom)
set(WOM_INSTALL_CMAKEDIR ${CMAKE_INSTALL_LIBDIR}/cmake/wom)
set(WOM_INSTALL_PYTHONDIR ${CMAKE_INSTALL_DATADIR}/wom/python)

# `wom plot` run from the build tree finds the Python module in the source tree; an
# installed wom finds it relative to itself (cli/plot_command.cpp).
target_compile_definitions(wom_cli PRIVATE WOM_SOURCE_PYTHON_DIR="${PROJECT_SOURCE_DIR}/python")

set(_wom_libraries sim models output scenarios)
foreach(_lib IN LISTS _wom_libraries)
  # Build-tree include folders (absolute paths into the source and build trees) must not
  # leak into the installed package: wrap them, and point installed users at include/wom.
  get_target_property(_dirs wom_${_lib} INTERFACE_INCLUDE_DIRECTORIES)
  set(_wrapped "")
  foreach(_dir IN LISTS _dirs)
    if(_dir MATCHES "^\\$<")
      list(APPEND _wrapped "${_dir}")
    else()
      list(APPEND _wrapped "$<BUILD_INTERFACE:${_dir}>")
    endif()
  endforeach()
  list(APPEND _wrapped "$<INSTALL_INTERFACE:${WOM_INSTALL_INCLUDEDIR}>")
  set_target_properties(wom_${_lib} PROPERTIES INTERFACE_INCLUDE_DIRECTORIES "${_wrapped}" EXPORT_NAME ${_lib})
  list(APPEND _wom_targets wom_${_lib})
endforeach()

install(TARGETS ${_wom_targets} EXPORT womTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(TARGETS wom_cli RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})

foreach(_lib IN LISTS _wom_libraries)
  install(DIRECTORY ${PROJECT_SOURCE_DIR}/${_lib}/ DESTINATION ${WOM_INSTALL_INCLUDEDIR}/${_lib}
          FILES_MATCHING PATTERN "*.hpp" PATTERN "*.h")
endforeach()
install(FILES ${PROJECT_BINARY_DIR}/generated/sim/version.hpp DESTINATION ${WOM_INSTALL_INCLUDEDIR}/sim)

install(EXPORT womTargets NAMESPACE wom:: DESTINATION ${WOM_INSTALL_CMAKEDIR} FILE womTargets.cmake)
configure_package_config_file(${CMAKE_CURRENT_LIST_DIR}/womConfig.cmake.in
  ${PROJECT_BINARY_DIR}/cmake/womConfig.cmake
  INSTALL_DESTINATION ${WOM_INSTALL_CMAKEDIR})
# 0.x: a minor release may break the API, so only the same minor version is compatible.
write_basic_package_version_file(${PROJECT_BINARY_DIR}/cmake/womConfigVersion.cmake
  VERSION ${PROJECT_VERSION} COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/cmake/womConfig.cmake ${PROJECT_BINARY_DIR}/cmake/womConfigVersion.cmake
  DESTINATION ${WOM_INSTALL_CMAKEDIR})

install(DIRECTORY ${PROJECT_SOURCE_DIR}/python/ DESTINATION ${WOM_INSTALL_PYTHONDIR}
        FILES_MATCHING PATTERN "*.py" PATTERN "__pycache__" EXCLUDE)
install(FILES ${PROJECT_SOURCE_DIR}/README.md ${PROJECT_SOURCE_DIR}/CITATION.cff DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/docs/ DESTINATION ${CMAKE_INSTALL_DOCDIR})
