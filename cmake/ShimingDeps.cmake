# Third-party libraries, all from Debian packages (see README "Dependencies").
find_package(Threads REQUIRED)
find_package(Boost 1.74 REQUIRED COMPONENTS filesystem)
find_package(nlohmann_json 3 REQUIRED)
find_package(yaml-cpp REQUIRED)
find_package(OpenSSL 3 REQUIRED)
find_package(spdlog REQUIRED)
find_package(PkgConfig REQUIRED)
pkg_check_modules(SODIUM REQUIRED IMPORTED_TARGET libsodium)
pkg_check_modules(MARIADB REQUIRED IMPORTED_TARGET libmariadb)
pkg_check_modules(SQLITE3 REQUIRED IMPORTED_TARGET sqlite3)
if(SHIMING_BUILD_TESTS)
  find_package(GTest REQUIRED)
endif()

# SOCI 4.0 ships neither a CMake config nor a .pc file.
if(NOT TARGET SOCI::core)
  find_path(SOCI_INCLUDE_DIR soci/soci.h REQUIRED)
  find_library(SOCI_CORE_LIB soci_core REQUIRED)
  find_library(SOCI_SQLITE_LIB soci_sqlite3 REQUIRED)
  find_library(SOCI_MYSQL_LIB soci_mysql REQUIRED)
  add_library(SOCI::core UNKNOWN IMPORTED)
  set_target_properties(SOCI::core PROPERTIES IMPORTED_LOCATION "${SOCI_CORE_LIB}"
                        INTERFACE_INCLUDE_DIRECTORIES "${SOCI_INCLUDE_DIR}")
  add_library(SOCI::sqlite3 UNKNOWN IMPORTED)
  set_target_properties(SOCI::sqlite3 PROPERTIES IMPORTED_LOCATION "${SOCI_SQLITE_LIB}"
                        INTERFACE_LINK_LIBRARIES "SOCI::core;PkgConfig::SQLITE3")
  add_library(SOCI::mysql UNKNOWN IMPORTED)
  # soci-mysql.h includes <mysql.h>, which lives in /usr/include/mariadb.
  set_target_properties(SOCI::mysql PROPERTIES IMPORTED_LOCATION "${SOCI_MYSQL_LIB}"
                        INTERFACE_LINK_LIBRARIES "SOCI::core;PkgConfig::MARIADB")
endif()
