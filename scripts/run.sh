#!/usr/bin/env bash
# Builds the server (Release) and runs it on 127.0.0.1:8080 with the embedded
# default: SQLite under var/, the sample province rules and the sample plugins.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
export CCACHE_BASEDIR="$root" CCACHE_NOHASHDIR=true
scripts/install-deps.sh
[ -x scripts/fetch-face-model.sh ] && scripts/fetch-face-model.sh
cmake --preset release
cmake --build --preset release -j "$(nproc)"
mkdir -p var
if [ -x build/release/tools/authority_sim/shiming-authority-sim ] && [ -f config/authority-sim/sim.yaml ]; then
  [ -f var/authority-sim/ca.pem ] || tools/authority_sim/make-dev-pki.sh var/authority-sim
  build/release/tools/authority_sim/shiming-authority-sim --config config/authority-sim/sim.yaml &
  sim=$!
  trap 'kill $sim 2>/dev/null || true' EXIT
fi
exec_args=(--config config/host.yaml)
build/release/host/app/shiming-host "${exec_args[@]}" "$@"
