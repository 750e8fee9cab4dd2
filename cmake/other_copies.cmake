# other_copies.cmake - run by `cmake --install` after synsight.so is in
# place: warns about any other synsight.so in a folder this Wireshark also
# searches, and says which copy Wireshark loads.
#
# Wireshark scans its system plugin folder first (or $WIRESHARK_PLUGIN_DIR,
# which replaces it), then the user's personal folder, and skips a plugin it
# has already loaded ("found in multiple directories"); run as root it skips
# personal folders altogether. So the system copy always wins.
#
# In: SYNSIGHT_INSTALLED (the file just installed), SYNSIGHT_SYSTEM_DIR,
#     SYNSIGHT_WS_MAJOR_MINOR.
# Staged for a package (DESTDIR): the packaging machine's folders are not the user's.
if(DEFINED ENV{DESTDIR} AND NOT "$ENV{DESTDIR}" STREQUAL "")
  return()
endif()
set(_personal_dirs "$ENV{HOME}/.local/lib/wireshark/plugins/${SYNSIGHT_WS_MAJOR_MINOR}/epan")
if(DEFINED ENV{SUDO_USER} AND NOT "$ENV{SUDO_USER}" STREQUAL "root")
  # a system install through sudo: the invoking user's own copy is shadowed too
  execute_process(COMMAND getent passwd "$ENV{SUDO_USER}" OUTPUT_VARIABLE _pw OUTPUT_STRIP_TRAILING_WHITESPACE)
  string(REPLACE ":" ";" _pw "${_pw}")
  list(LENGTH _pw _n)
  if(_n GREATER 5)
    list(GET _pw 5 _home)
    list(APPEND _personal_dirs "${_home}/.local/lib/wireshark/plugins/${SYNSIGHT_WS_MAJOR_MINOR}/epan")
  endif()
endif()
set(_system_dirs "${SYNSIGHT_SYSTEM_DIR}")
if(DEFINED ENV{WIRESHARK_PLUGIN_DIR})
  list(APPEND _system_dirs "$ENV{WIRESHARK_PLUGIN_DIR}/${SYNSIGHT_WS_MAJOR_MINOR}/epan")
endif()

get_filename_component(_installed "${SYNSIGHT_INSTALLED}" REALPATH)
set(_system_copy "")
set(_copies "")
foreach(_dir IN LISTS _system_dirs _personal_dirs)
  set(_f "${_dir}/synsight.so")
  get_filename_component(_real "${_f}" REALPATH)
  if(EXISTS "${_f}" AND NOT _real STREQUAL _installed)
    list(APPEND _copies "${_f}")
  endif()
endforeach()
foreach(_dir IN LISTS _system_dirs)
  if(EXISTS "${_dir}/synsight.so" AND _system_copy STREQUAL "")
    set(_system_copy "${_dir}/synsight.so")
  endif()
endforeach()
if(_copies)
  string(REPLACE ";" "\n    " _list "${_copies}")
  if(_system_copy STREQUAL "")
    set(_system_copy "${SYNSIGHT_INSTALLED}")
  endif()
  message(WARNING "synsight: another synsight.so is in a folder Wireshark also searches:\n    ${_list}\n"
    "Wireshark loads ${_system_copy} (its system plugin folder comes first; as root it reads no personal "
    "folder) and warns \"found in multiple directories\" on every start. Remove the copy you do not want: "
    "rm <path>, or `cmake --build <its build folder> --target uninstall`.")
endif()
