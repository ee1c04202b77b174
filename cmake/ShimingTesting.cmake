# shiming_add_test(<name> SOURCES ... [LIBS ...] [LABELS ...] [PREFIX <text>])
# A GoogleTest executable whose tests ctest discovers when it runs them.
# PREFIX is prepended to every discovered test name (e.g. "storage." so that
# `ctest -R storage` selects them).
function(shiming_add_test name)
  if(NOT SHIMING_BUILD_TESTS)
    return()
  endif()
  cmake_parse_arguments(ARG "" "PREFIX" "SOURCES;LIBS;LABELS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_LIBS} GTest::gtest GTest::gtest_main)
  target_compile_definitions(${name} PRIVATE
    SHIMING_SOURCE_DIR="${SHIMING_SOURCE_DIR}"
    SHIMING_BINARY_DIR="${CMAKE_BINARY_DIR}"
    SHIMING_PLUGIN_DIR="${SHIMING_PLUGIN_OUTPUT_DIR}")
  gtest_discover_tests(${name} DISCOVERY_MODE PRE_TEST TEST_PREFIX "${ARG_PREFIX}"
    PROPERTIES LABELS "${ARG_LABELS}" ENVIRONMENT "ASAN_OPTIONS=detect_leaks=1")
endfunction()
