# Installs synsight's Wireshark configuration profile into DEST (a folder
# named synsight under a profiles folder): the files of SRC (profiles/synsight)
# and a colorfilters made of synsight's rules (COLORFILTERS) followed by
# Wireshark's own default rules (WS_DATA/colorfilters, when present), so
# that the rest of the packet list keeps its usual colors.
#
#   cmake -DSRC=profiles/synsight -DCOLORFILTERS=docs/synsight.colorfilters
#         -DWS_DATA=/usr/share/wireshark -DDEST=~/.config/wireshark/profiles/synsight
#         -P cmake/install_profile.cmake
foreach(var SRC COLORFILTERS DEST)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "install_profile.cmake: ${var} is not set")
  endif()
endforeach()
foreach(name preferences recent dfilter_buttons io_graphs)
  file(INSTALL "${SRC}/${name}" DESTINATION "${DEST}")
endforeach()
file(STRINGS "${COLORFILTERS}" ours REGEX "^@")
set(rules "# synsight's rules first (the first matching rule wins), then Wireshark's defaults\n")
foreach(line IN LISTS ours)
  string(APPEND rules "${line}\n")
endforeach()
if(DEFINED WS_DATA AND EXISTS "${WS_DATA}/colorfilters")
  file(STRINGS "${WS_DATA}/colorfilters" theirs REGEX "^@")
  foreach(line IN LISTS theirs)
    string(APPEND rules "${line}\n")
  endforeach()
endif()
# written aside and installed, so that the install manifest (and the
# uninstall target) knows it
string(RANDOM LENGTH 8 _tag)
if(DEFINED ENV{TMPDIR} AND IS_DIRECTORY "$ENV{TMPDIR}")
  set(_tmp "$ENV{TMPDIR}/synsight-profile-${_tag}")
else()
  set(_tmp "/tmp/synsight-profile-${_tag}")
endif()
file(WRITE "${_tmp}/colorfilters" "${rules}")
file(INSTALL "${_tmp}/colorfilters" DESTINATION "${DEST}")
file(REMOVE_RECURSE "${_tmp}")
message(STATUS "synsight: profile installed into ${DEST}")
