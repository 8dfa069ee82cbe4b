#!/usr/bin/env bash
# Starts or stops a private MariaDB server for the tests: its own data
# directory, a unix socket and a loopback port, no system service touched.
#   scripts/mariadb.sh start DIR [PORT]   prints the URL for SAC_TEST_MYSQL_URL
#   scripts/mariadb.sh stop DIR
#   SAC_MARIADB_BUFFER_POOL (default 256M): InnoDB's buffer pool, e.g. 4G for the
#   benchmarks, whose 1,000,000 cases a production server would keep in memory.
set -euo pipefail
cmd=${1:?usage: mariadb.sh start|stop DIR [PORT]}
dir=$(realpath -m "${2:?usage: mariadb.sh start|stop DIR [PORT]}")
port=${3:-33306}
sock="$dir/mysqld.sock"
pidf="$dir/mysqld.pid"

case "$cmd" in
start)
  if [ -f "$pidf" ] && kill -0 "$(cat "$pidf")" 2>/dev/null; then
    echo "mysql://sac:sac@127.0.0.1:$port/?socket=$sock"; exit 0
  fi
  mkdir -p "$dir/data"
  if [ ! -d "$dir/data/mysql" ]; then
    mariadb-install-db --no-defaults --datadir="$dir/data" --auth-root-authentication-method=socket \
      --user="$(id -un)" --skip-test-db >"$dir/install.log" 2>&1 \
      || { echo "mariadb-install-db failed, see $dir/install.log" >&2; exit 1; }
  fi
  (mariadbd --no-defaults --datadir="$dir/data" --socket="$sock" --port="$port" --bind-address=127.0.0.1 \
      --pid-file="$pidf" --user="$(id -un)" --log-error="$dir/error.log" --skip-name-resolve \
      --innodb-buffer-pool-size="${SAC_MARIADB_BUFFER_POOL:-256M}" --innodb-flush-log-at-trx-commit=2 --max-connections=500 \
      --character-set-server=utf8mb4 --collation-server=utf8mb4_unicode_ci >/dev/null 2>&1 &)
  for _ in $(seq 1 120); do
    [ -S "$sock" ] && mariadb --no-defaults -uroot --socket="$sock" -e 'SELECT 1' >/dev/null 2>&1 && break
    sleep 0.5
  done
  mariadb --no-defaults -uroot --socket="$sock" -e 'SELECT 1' >/dev/null 2>&1 \
    || { echo "MariaDB did not start, see $dir/error.log" >&2; tail -20 "$dir/error.log" >&2; exit 1; }
  mariadb --no-defaults -uroot --socket="$sock" <<SQL
CREATE USER IF NOT EXISTS 'sac'@'localhost' IDENTIFIED BY 'sac';
CREATE USER IF NOT EXISTS 'sac'@'127.0.0.1' IDENTIFIED BY 'sac';
GRANT ALL PRIVILEGES ON *.* TO 'sac'@'localhost';
GRANT ALL PRIVILEGES ON *.* TO 'sac'@'127.0.0.1';
FLUSH PRIVILEGES;
SQL
  echo "mysql://sac:sac@127.0.0.1:$port/?socket=$sock"
  ;;
stop)
  if [ -f "$pidf" ]; then
    pid=$(cat "$pidf")
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
  fi
  ;;
*) echo "usage: mariadb.sh start|stop DIR [PORT]" >&2; exit 2 ;;
esac
