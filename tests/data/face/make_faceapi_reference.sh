#!/usr/bin/env bash
# Rebuilds faceapi_reference.json: installs @vladmandic/face-api (the pinned,
# sha256-checked tarball from scripts/fetch-face-model.sh), @tensorflow/tfjs and
# pngjs from npm into var/node-ref, then runs faceapi_reference.mjs on chips/.
# The chips come from build/<dir>/tests/bench/face/face_make_chips tests/data/face/chips.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../../.." && pwd)"
"$ROOT/scripts/fetch-face-model.sh"
WORK="$ROOT/var/node-ref"
mkdir -p "$WORK"
cd "$WORK"
[[ -f package.json ]] || echo '{"name":"face-ref","private":true}' > package.json
npm install --no-audit --no-fund --silent @tensorflow/tfjs@4.22.0 @tensorflow/tfjs-backend-wasm@4.22.0 \
  pngjs@7.0.0 "$ROOT/var/models/vladmandic-face-api-1.7.15.tgz"
node "$HERE/faceapi_reference.mjs" "$WORK/node_modules" "$ROOT/var/models/face-api-1.7.15/package/model" \
  "$HERE/chips" "$HERE/faceapi_reference.json"
