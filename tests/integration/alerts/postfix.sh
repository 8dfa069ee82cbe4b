#!/usr/bin/env bash
# A private mail relay for the alert e-mail tests: a Postfix that accepts mail only
# over TLS (STARTTLS on one port, SMTPS on another) from clients that authenticated
# (SASL through Dovecot's auth socket), and delivers everything for the domain
# alerts.test into the maildir of a private Dovecot, which the tests read over IMAPS.
#   postfix.sh start DIR        starts Dovecot (DIR/dovecot, by ../mail/dovecot.sh) and
#                               Postfix (DIR/postfix); prints and writes DIR/ports:
#                               "smtp=<starttls port> smtps=<port> imaps=<port> user=<u>
#                                password=<p> cert=<relay's certificate> imaps_cert=<Dovecot's>
#                                maildir=<dir> domain=alerts.test"
#   postfix.sh stop DIR         stops both
#   postfix.sh stop-relay DIR   stops Postfix alone (a relay outage); its queue is kept
#   postfix.sh start-relay DIR  starts it again on the same ports
# Nothing outside DIR is written or changed: `postfix -c DIR/postfix` reads its own
# main.cf and master.cf, keeps its own queue and log, listens on 127.0.0.1 only and
# runs no chroot. Postfix's master must start as root (a Postfix rule); without root
# the script uses `sudo -n` when that works and fails otherwise.
set -euo pipefail

cmd="${1:-}"
dir="${2:-}"
if [[ -z "$cmd" || -z "$dir" ]]; then
  echo "usage: $0 start|stop|stop-relay|start-relay DIR" >&2
  exit 2
fi
here="$(cd "$(dirname "$0")" && pwd)"
POSTFIX="${POSTFIX:-$(command -v postfix || echo /usr/sbin/postfix)}"
domain="alerts.test"

as_root=()
if [[ "$(id -u)" != "0" ]]; then
  if sudo -n true 2>/dev/null; then
    as_root=(sudo -n)
  else
    echo "postfix.sh: Postfix's master must start as root; run the tests as root or with passwordless sudo" >&2
    exit 1
  fi
fi

free_port() {
  python3 - <<'PY'
import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()
PY
}

listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

relay_up() {  # starts Postfix with the configuration in $pf and waits for both listeners
  local smtp smtps
  smtp="$(cat "$pf/../smtp.port")"
  smtps="$(cat "$pf/../smtps.port")"
  "${as_root[@]}" "$POSTFIX" -c "$pf" start </dev/null >>"$pf/../start.log" 2>&1 || {
    echo "postfix did not start; its log follows:" >&2
    cat "$pf/../start.log" "$pf/../log/postfix.log" >&2 2>/dev/null || true
    return 1
  }
  for _ in $(seq 1 100); do
    if listening "$smtp" && listening "$smtps"; then return 0; fi
    sleep 0.05
  done
  echo "postfix does not listen on 127.0.0.1:$smtp and :$smtps; its log follows:" >&2
  cat "$pf/../log/postfix.log" >&2 2>/dev/null || true
  return 1
}

relay_down() {
  [[ -f "$pf/main.cf" ]] || return 0
  "${as_root[@]}" "$POSTFIX" -c "$pf" stop </dev/null >>"$pf/../start.log" 2>&1 || true
  # master removes its pid file once every child has gone.
  for _ in $(seq 1 100); do
    [[ -s "$pf/../queue/pid/master.pid" ]] || return 0
    local pid
    pid="$(tr -d ' \n' <"$pf/../queue/pid/master.pid" 2>/dev/null || true)"
    [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.05
  done
}

case "$cmd" in
start)
  if [[ ! -x "$POSTFIX" ]]; then
    echo "postfix not found (install the Debian package postfix: scripts/deps.sh test)" >&2
    exit 1
  fi
  mkdir -p "$dir"
  dir="$(cd "$dir" && pwd)"
  pf="$dir/postfix/etc"
  dv="$dir/dovecot"
  # A run that was not stopped (a killed ctest) leaves its instances behind.
  relay_down || true
  "$here/../mail/dovecot.sh" stop "$dv" >/dev/null 2>&1 || true
  "${as_root[@]}" rm -rf "$dir/postfix" "$dv"
  # The configuration folder holds only root's files (postfix check wants that);
  # the queue, Postfix's own data and the log live beside it.
  mkdir -p "$pf" "$dir/postfix/queue" "$dir/postfix/data" "$dir/postfix/log"

  "$here/../mail/dovecot.sh" start "$dv" >/dev/null
  declare -A dove
  for word in $(cat "$dv/ports"); do dove["${word%%=*}"]="${word#*=}"; done
  maildir="${dove[maildir]}"
  mail_owner_uid="$(stat -c %u "$maildir")"
  mail_owner_gid="$(stat -c %g "$maildir")"

  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=localhost" \
    -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
    -keyout "$pf/key.pem" -out "$pf/cert.pem" >/dev/null 2>&1
  chmod 600 "$pf/key.pem"
  smtp="$(free_port)"
  smtps="$(free_port)"
  while [[ "$smtps" == "$smtp" ]]; do smtps="$(free_port)"; done
  echo "$smtp" >"$pf/../smtp.port"
  echo "$smtps" >"$pf/../smtps.port"

  cat >"$pf/main.cf" <<CONF
# A private test relay; see tests/integration/alerts/postfix.sh.
compatibility_level = 3.6
queue_directory = $dir/postfix/queue
data_directory = $dir/postfix/data
command_directory = /usr/sbin
daemon_directory = /usr/lib/postfix/sbin
meta_directory = /etc/postfix
shlib_directory = /usr/lib/postfix
mail_owner = postfix
setgid_group = postdrop
maillog_file = $dir/postfix/log/postfix.log
maillog_file_prefixes = $dir/postfix/log
syslog_name = postfix-sac-test
myhostname = relay.$domain
mydomain = $domain
myorigin = \$myhostname
mydestination =
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mynetworks = 127.0.0.1/32
alias_maps =
alias_database =
local_recipient_maps =
biff = no
# Nothing leaves this relay: only alerts.test is delivered, everything else bounces.
default_transport = error:this test relay delivers only to $domain
relay_transport = error:this test relay delivers only to $domain
virtual_mailbox_domains = $domain
virtual_mailbox_base = $(dirname "$maildir")
virtual_mailbox_maps = static:$(basename "$maildir")/
virtual_uid_maps = static:$mail_owner_uid
virtual_gid_maps = static:$mail_owner_gid
virtual_minimum_uid = $mail_owner_uid
# TLS is required before anything else, and AUTH only after it.
smtpd_tls_cert_file = $pf/cert.pem
smtpd_tls_key_file = $pf/key.pem
smtpd_tls_security_level = encrypt
smtpd_tls_auth_only = yes
smtpd_sasl_auth_enable = yes
smtpd_sasl_type = dovecot
smtpd_sasl_path = $dv/run/auth-smtp
smtpd_relay_restrictions = permit_sasl_authenticated, reject
smtpd_recipient_restrictions = permit_sasl_authenticated, reject
smtpd_banner = \$myhostname ESMTP private test relay
queue_run_delay = 5s
minimal_backoff_time = 5s
maximal_backoff_time = 10s
CONF

  cat >"$pf/master.cf" <<CONF
# service type  private unpriv  chroot  wakeup  maxproc command
127.0.0.1:$smtp inet n - n - - smtpd
127.0.0.1:$smtps inet n - n - - smtpd
  -o smtpd_tls_wrappermode=yes
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
tlsmgr    unix  -       -       n       1000?   1       tlsmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
proxywrite unix -       -       n       -       1       proxymap
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
virtual   unix  -       n       n       -       -       virtual
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
CONF
  chmod 644 "$pf/main.cf" "$pf/master.cf"
  if [[ "${#as_root[@]}" -gt 0 ]]; then
    "${as_root[@]}" chown root "$pf" "$dir/postfix/queue" "$pf/main.cf" "$pf/master.cf" "$pf/key.pem" "$pf/cert.pem"
  fi
  # Creates the queue's sub-folders with their owners (postfix, postdrop).
  "${as_root[@]}" "$POSTFIX" -c "$pf" set-permissions </dev/null >>"$pf/../start.log" 2>&1 || true
  "${as_root[@]}" "$POSTFIX" -c "$pf" check </dev/null >>"$pf/../start.log" 2>&1 || {
    echo "postfix check failed:" >&2
    cat "$pf/../start.log" >&2
    exit 1
  }
  relay_up
  echo "smtp=$smtp smtps=$smtps imaps=${dove[imaps]} user=${dove[user]} password=${dove[password]}" \
       "cert=$pf/cert.pem imaps_cert=${dove[cert]} maildir=$maildir domain=$domain" >"$dir/ports"
  cat "$dir/ports"
  ;;
stop)
  dir="$(cd "$dir" 2>/dev/null && pwd || echo "$dir")"
  pf="$dir/postfix/etc"
  relay_down
  "$here/../mail/dovecot.sh" stop "$dir/dovecot" >/dev/null 2>&1 || true
  ;;
stop-relay)
  pf="$(cd "$dir" && pwd)/postfix/etc"
  relay_down
  ;;
start-relay)
  pf="$(cd "$dir" && pwd)/postfix/etc"
  relay_up
  ;;
*)
  echo "usage: $0 start|stop|stop-relay|start-relay DIR" >&2
  exit 2
  ;;
esac
