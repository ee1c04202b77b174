#!/usr/bin/env bash
# Usage: scripts/with-mariadb.sh CMD [ARGS...]
# Starts a throwaway MariaDB server (own datadir under a temp dir, a free
# loopback port, its own socket), creates a database and a user, exports
#   SHIMING_TEST_MYSQL_URL=mysql://shiming:<password>@127.0.0.1:<port>/shiming_test
# runs CMD, then always stops the server and removes the temp dir.
# Exits with CMD's exit code (or 90 when the server cannot be started).
# The test user may create and drop databases, so tests can isolate
# themselves in a database of their own.
set -uo pipefail

if [ $# -eq 0 ]; then
  echo "usage: $0 CMD [ARGS...]" >&2
  exit 2
fi
for tool in mariadb-install-db mariadbd mariadb-admin mariadb; do
  if ! command -v "$tool" >/dev/null 2>&1 && [ ! -x "/usr/sbin/$tool" ]; then
    echo "with-mariadb: $tool not found (apt-get install mariadb-server)" >&2
    exit 90
  fi
done
MARIADBD="$(command -v mariadbd || echo /usr/sbin/mariadbd)"

dir="$(mktemp -d "${TMPDIR:-/tmp}/shiming-mariadb.XXXXXX")"
data="$dir/data"
sock="$dir/mysql.sock"
server_pid=""

cleanup() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    mariadb-admin --no-defaults --socket="$sock" -uroot shutdown >/dev/null 2>&1 || kill "$server_pid" 2>/dev/null
    for _ in $(seq 1 100); do
      kill -0 "$server_pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -9 "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

run_user=()
[ "$(id -u)" = 0 ] && run_user=(--user=root)

if ! mariadb-install-db --no-defaults "${run_user[@]}" --datadir="$data" \
    --auth-root-authentication-method=socket --skip-test-db >"$dir/install.log" 2>&1; then
  echo "with-mariadb: mariadb-install-db failed:" >&2
  cat "$dir/install.log" >&2
  exit 90
fi

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

started=0
for attempt in 1 2 3 4 5; do
  port=$((20000 + RANDOM % 40000))
  port_free "$port" || continue
  "$MARIADBD" --no-defaults "${run_user[@]}" --datadir="$data" --socket="$sock" --port="$port" \
    --bind-address=127.0.0.1 --pid-file="$dir/mysql.pid" --log-error="$dir/mysql.err" --skip-log-bin \
    --innodb-buffer-pool-size=64M --character-set-server=utf8mb4 --collation-server=utf8mb4_bin \
    --max-connections=500 --innodb-flush-log-at-trx-commit=2 --innodb-doublewrite=0 >/dev/null 2>&1 &
  server_pid=$!
  for _ in $(seq 1 150); do
    if mariadb-admin --no-defaults --socket="$sock" -uroot ping >/dev/null 2>&1; then
      started=1
      break
    fi
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.2
  done
  [ "$started" = 1 ] && break
  kill "$server_pid" 2>/dev/null
  wait "$server_pid" 2>/dev/null
  server_pid=""
done
if [ "$started" != 1 ]; then
  echo "with-mariadb: the server did not start:" >&2
  tail -n 30 "$dir/mysql.err" >&2 2>/dev/null
  exit 90
fi

password="$(head -c 18 /dev/urandom | od -An -tx1 | tr -d ' \n')"
if ! mariadb --no-defaults --socket="$sock" -uroot <<SQL
CREATE DATABASE shiming_test CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;
CREATE USER 'shiming'@'127.0.0.1' IDENTIFIED BY '$password';
CREATE USER 'shiming'@'localhost' IDENTIFIED BY '$password';
GRANT ALL PRIVILEGES ON *.* TO 'shiming'@'127.0.0.1';
GRANT ALL PRIVILEGES ON *.* TO 'shiming'@'localhost';
SQL
then
  echo "with-mariadb: cannot create the test database and user" >&2
  exit 90
fi

export SHIMING_TEST_MYSQL_URL="mysql://shiming:$password@127.0.0.1:$port/shiming_test"
export SHIMING_TEST_MYSQL_SOCKET="$sock"
echo "with-mariadb: MariaDB on 127.0.0.1:$port (socket $sock)" >&2

"$@"
rc=$?
exit "$rc"
