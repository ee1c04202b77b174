#!/usr/bin/env bash
# Runs the storage and crypto tests against SQLite and a throwaway MariaDB.
# Usage: scripts/mariadb-test.sh [BUILD_DIR]   (default build/storage)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${1:-$root/build/storage}"
exec "$root/scripts/with-mariadb.sh" ctest --test-dir "$build" -R 'storage|crypto' --output-on-failure
