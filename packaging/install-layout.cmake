# Run at install time (packaging/CMakeLists.txt): installs the configuration and the systemd
# unit for the prefix given then. Prefix /usr: /etc/shiming and /var/lib/shiming (the Debian
# package); any other prefix P: P/etc/shiming and P/var/lib/shiming (self-contained).
# The installed host.yaml is config/host.yaml with its paths made absolute for that layout; a
# line it expects and does not find stops the install, so the two cannot drift apart silently.
set(_prefix "${CMAKE_INSTALL_PREFIX}")
if(_prefix STREQUAL "/usr")
  set(_etc "/etc/shiming")
  set(_state "/var/lib/shiming")
else()
  set(_etc "${_prefix}/etc/shiming")
  set(_state "${_prefix}/var/lib/shiming")
endif()

file(READ "${SHIMING_SOURCE_DIR}/config/host.yaml" _yaml)
function(shiming_replace_line key value)
  string(REGEX MATCH "\n${key}[^\n]*" _found "${_yaml}")
  if(NOT _found)
    message(FATAL_ERROR "install: config/host.yaml has no line '${key}' to set for the installed layout")
  endif()
  string(REPLACE "${_found}" "\n${value}" _new "${_yaml}")
  set(_yaml "${_new}" PARENT_SCOPE)
endfunction()
shiming_replace_line("plugin_dir:" "plugin_dir: ${_prefix}/${SHIMING_INSTALL_PLUGIN_DIR}")
shiming_replace_line("rules_dir:" "rules_dir: ${_etc}/provinces")
shiming_replace_line("keyring_file:" "keyring_file: ${_state}/keys/keyring.json")
shiming_replace_line("evidence_dir:" "evidence_dir: ${_state}/evidence")
shiming_replace_line("  url: sqlite:" "  url: sqlite:${_state}/shiming.db   # or mysql://user:password@host:3306/shiming")
# The face verifiers read the descriptor weights installed beside the plugins.
foreach(plugin face_match liveness)
  shiming_replace_line("  - name: ${plugin}"
                       "  - name: ${plugin}\n    config:\n      descriptor_model_dir: ${_prefix}/${SHIMING_INSTALL_MODEL_DIR}")
endforeach()
string(PREPEND _yaml "# Installed by the shiming-server package (from config/host.yaml, paths for this layout).\n")

file(MAKE_DIRECTORY "${SHIMING_STAGING}")
file(WRITE "${SHIMING_STAGING}/host.yaml" "${_yaml}")
file(INSTALL "${SHIMING_STAGING}/host.yaml" DESTINATION "${_etc}" PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ)
file(INSTALL "${SHIMING_SOURCE_DIR}/config/provinces/" DESTINATION "${_etc}/provinces")
file(INSTALL "${SHIMING_SOURCE_DIR}/config/authority-sim/province-step.example.yaml"
     DESTINATION "${_prefix}/${SHIMING_INSTALL_DOCDIR}/examples")

# systemd unit (meaningful for /usr; installed for any prefix so the layout can be inspected).
set(SHIMING_BIN_DIR "${_prefix}/bin")
set(SHIMING_CONFIG_DIR "${_etc}")
set(SHIMING_DOC_DIR "${_prefix}/${SHIMING_INSTALL_DOCDIR}")
configure_file("${SHIMING_SOURCE_DIR}/packaging/systemd/shiming-host.service"
               "${SHIMING_STAGING}/shiming-host.service" @ONLY)
file(INSTALL "${SHIMING_STAGING}/shiming-host.service" DESTINATION "${_prefix}/lib/systemd/system")
