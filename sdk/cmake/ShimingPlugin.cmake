# shiming_add_plugin(<name> SOURCES ... [LIBS ...])
# Builds lib<name>.so, a Boost.DLL module exporting one shiming plugin, with
# hidden visibility so only the three aliases of SHIMING_PLUGIN are exported.
# In-tree it lands in SHIMING_PLUGIN_OUTPUT_DIR; out of tree in the build dir.
function(shiming_add_plugin name)
  cmake_parse_arguments(ARG "" "" "SOURCES;LIBS" ${ARGN})
  add_library(${name} MODULE ${ARG_SOURCES})
  set_property(GLOBAL APPEND PROPERTY SHIMING_PLUGIN_TARGETS ${name})
  set_target_properties(${name} PROPERTIES
    PREFIX "lib" OUTPUT_NAME "${name}"
    CXX_VISIBILITY_PRESET hidden VISIBILITY_INLINES_HIDDEN ON)
  if(DEFINED SHIMING_PLUGIN_OUTPUT_DIR)
    set_target_properties(${name} PROPERTIES LIBRARY_OUTPUT_DIRECTORY "${SHIMING_PLUGIN_OUTPUT_DIR}")
  endif()
  if(TARGET shiming_sdk)
    target_link_libraries(${name} PRIVATE shiming_sdk ${ARG_LIBS})
  else()
    target_link_libraries(${name} PRIVATE ShimingSDK::sdk ${ARG_LIBS})
  endif()
  target_link_options(${name} PRIVATE -Wl,--no-undefined)
endfunction()
