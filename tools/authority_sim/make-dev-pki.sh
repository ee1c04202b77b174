#!/bin/sh
# Development certificates and keys for shiming-authority-sim and the
# `authority` step (openssl CLI). Usage: make-dev-pki.sh OUT_DIR
# Writes: ca.pem, server.pem/.key (localhost, 127.0.0.1), expired-server.pem/.key,
# demo-province.pem/.key (client, CN=shiming-demo-province), demo-province.hmac.
set -eu
out=${1:?usage: make-dev-pki.sh OUT_DIR}
mkdir -p "$out"
cd "$out"
umask 077
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ca.key -out ca.pem \
  -days 3650 -subj "/O=Shiming Dev/CN=Shiming Dev Authority CA" \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
cat > ca.cnf <<'CNF'
[ ca ]
default_ca = dev
[ dev ]
database = ca-db/index.txt
serial = ca-db/serial
new_certs_dir = ca-db/new
default_md = sha256
policy = dev_policy
unique_subject = no
[ dev_policy ]
organizationName = supplied
commonName = supplied
CNF
mkdir -p ca-db/new
: > ca-db/index.txt
echo 1000 > ca-db/serial
leaf() { # name cn extensions startdate enddate
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$1.key" -out "$1.csr" \
    -subj "/O=Shiming Dev/CN=$2" 2>/dev/null
  printf '%s\n' "$3" > "$1.ext"
  openssl ca -batch -notext -config ca.cnf -keyfile ca.key -cert ca.pem -in "$1.csr" -out "$1.pem" \
    -extfile "$1.ext" -startdate "$4" -enddate "$5" 2>/dev/null
  rm -f "$1.csr" "$1.ext"
}
now=$(date -u +%Y%m%d%H%M%SZ)
leaf server localhost "subjectAltName=DNS:localhost,IP:127.0.0.1
extendedKeyUsage=serverAuth" "$now" "$(date -u -d '+825 days' +%Y%m%d%H%M%SZ)"
leaf expired-server localhost "subjectAltName=DNS:localhost,IP:127.0.0.1
extendedKeyUsage=serverAuth" "$(date -u -d '-30 days' +%Y%m%d%H%M%SZ)" "$(date -u -d '-1 day' +%Y%m%d%H%M%SZ)"
leaf demo-province shiming-demo-province "extendedKeyUsage=clientAuth" "$now" \
  "$(date -u -d '+825 days' +%Y%m%d%H%M%SZ)"
openssl rand -hex 32 > demo-province.hmac
rm -rf ca-db ca.cnf
echo "wrote $(pwd)"
