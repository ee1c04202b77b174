#!/usr/bin/env bash
# Fetches the face descriptor weights and test photos: the npm package
# @vladmandic/face-api (MIT) at a pinned version, checked by sha256, unpacked
# into var/models/face-api-<version>/package (model/, demo/sample*.jpg).
# Usage: scripts/fetch-face-model.sh [DEST_ROOT]   (default: <repo>/var/models)
set -euo pipefail

VERSION="1.7.15"
SHA256="0d77fffeef362ef9c0939cf6c567f3a2e8e177f114fa257a3270cbd2e509b031"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
DEST="${1:-$ROOT/var/models}"
TGZ="$DEST/vladmandic-face-api-$VERSION.tgz"
OUT="$DEST/face-api-$VERSION"

mkdir -p "$DEST"
if [[ -f "$OUT/package/model/face_recognition_model.bin" && -f "$OUT/.verified" ]]; then
  echo "face-api $VERSION already in $OUT"
  exit 0
fi
if [[ ! -f "$TGZ" ]] || ! echo "$SHA256  $TGZ" | sha256sum --check --status; then
  command -v npm >/dev/null || { echo "npm is needed (Debian: nodejs npm)" >&2; exit 1; }
  rm -f "$TGZ"
  (cd "$DEST" && npm pack --silent "@vladmandic/face-api@$VERSION" >/dev/null)
fi
if ! echo "$SHA256  $TGZ" | sha256sum --check --status; then
  echo "sha256 mismatch for $TGZ: got $(sha256sum "$TGZ" | cut -d' ' -f1), want $SHA256" >&2
  exit 1
fi
rm -rf "$OUT"
mkdir -p "$OUT"
tar -xzf "$TGZ" -C "$OUT" package/model package/demo package/LICENSE package/package.json
touch "$OUT/.verified"
echo "face-api $VERSION unpacked in $OUT"
