#!/usr/bin/env bash
# Builds everything once with ASan+UBSan and runs every test:
# unit tests, storage tests on SQLite and on a throwaway MariaDB, the plugin
# skeleton built out of tree against the installed SDK, integration tests
# against the real shiming-host over loopback, and the browser tests.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
jobs="${SHIMING_JOBS:-$(nproc)}"
# ccache hits across clones in different folders (CI clones anew each run).
export CCACHE_BASEDIR="$root" CCACHE_NOHASHDIR=true

scripts/install-deps.sh
[ -x scripts/fetch-face-model.sh ] && scripts/fetch-face-model.sh

cmake --preset asan
cmake --build --preset asan -j "$jobs"

# The SDK as a third party gets it: installed, then the skeleton built out of tree.
sdk_prefix="$root/build/asan/sdk-install"
rm -rf "$sdk_prefix" "$root/build/asan/skeleton"
cmake --install build/asan --component sdk --prefix "$sdk_prefix" >/dev/null
cmake -S templates/plugin -B build/asan/skeleton -G Ninja -DCMAKE_PREFIX_PATH="$sdk_prefix" \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS="-fsanitize=address,undefined" \
  -DCMAKE_MODULE_LINKER_FLAGS="-fsanitize=address,undefined" \
  -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=address,undefined" >/dev/null
cmake --build build/asan/skeleton -j "$jobs"
export SHIMING_SKELETON_PLUGIN="$root/build/asan/skeleton/libphone_number.so"
export SHIMING_SKELETON_TEST="$root/build/asan/skeleton/phone_number_test"

# Leak checks stay on; third-party libraries' process-lifetime caches are suppressed.
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}"
export LSAN_OPTIONS="${LSAN_OPTIONS:-suppressions=$root/tests/lsan.supp:print_suppressions=0}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"

# A test that fails is run once more before it counts as failed (timing under load).
scripts/with-mariadb.sh ctest --preset asan -j "$jobs" --repeat until-pass:2
