# uninstall.cmake - `cmake --build BUILD --target uninstall`: removes every
# file the last `cmake --install BUILD` wrote (BUILD/install_manifest.txt).
set(_manifest "${CMAKE_BINARY_DIR}/install_manifest.txt")
if(NOT EXISTS "${_manifest}")
  message(FATAL_ERROR "synsight: nothing to uninstall: ${_manifest} not found (run cmake --install first)")
endif()
file(STRINGS "${_manifest}" _files)
foreach(_f IN LISTS _files)
  if(EXISTS "${_f}" OR IS_SYMLINK "${_f}")
    file(REMOVE "${_f}")
    message(STATUS "synsight: removed ${_f}")
  endif()
endforeach()
file(REMOVE "${_manifest}")
