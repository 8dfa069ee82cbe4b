#!/usr/bin/env bash
# Installs the Debian packages a task needs, only those that are missing.
#   scripts/deps.sh build|test|run
set -euo pipefail
build_pkgs=(build-essential cmake pkg-config libpoco-dev libssl-dev libmysqlcppconn-dev
            libgtest-dev googletest libkainjow-mustache-dev libsqlite3-dev sqlite3 curl ca-certificates
            libhowardhinnant-date-dev tzdata)  # date library + the system zone database (US Pacific time)
test_pkgs=(mariadb-server mariadb-client chromium fonts-dejavu-core fonts-liberation fonts-wqy-zenhei fonts-noto-color-emoji nodejs dovecot-imapd dovecot-pop3d openssl
           postfix  # a private relay for the alert e-mails (tests/integration/alerts/postfix.sh)
           clang libclang-rt-14-dev llvm ccache)  # fuzz tier: clang + libFuzzer/sanitizer runtimes, llvm-symbolizer
case "${1:-build}" in
  build|run) want=("${build_pkgs[@]}") ;;
  test) want=("${build_pkgs[@]}" "${test_pkgs[@]}") ;;
  *) echo "usage: deps.sh build|test|run" >&2; exit 2 ;;
esac
missing=()
for p in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ] && { [ "${1:-build}" != test ] || command -v npm >/dev/null 2>&1; }; then
  exit 0
fi
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing: ${missing[*]}"
  # Postfix for the tests only: its package configures nothing system-wide
  # (no main.cf, no service); the tests start private instances.
  if [[ " ${missing[*]} " == *" postfix "* ]]; then
    echo "postfix postfix/main_mailer_type select No configuration" | $sudo debconf-set-selections
  fi
  $sudo apt-get update -q
  $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
# Debian's nodejs package comes without npm (NodeSource's brings its own).
if [ "${1:-build}" = test ] && ! command -v npm >/dev/null 2>&1; then
  $sudo apt-get install -y -q --no-install-recommends npm
fi
