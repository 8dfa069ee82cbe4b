#!/usr/bin/env bash
# Starts or stops a private Dovecot (IMAP + POP3 over TLS) for the mail integration tests.
#   dovecot.sh start DIR   -> creates DIR, prints "imaps=<port> pop3s=<port> user=<u> password=<p> cert=<file> maildir=<dir>"
#   dovecot.sh stop DIR    -> stops the instance started in DIR
# Everything (config, certificate, passwd file, maildir, runtime sockets, logs) lives in DIR.
# DIR/run/auth-smtp is Dovecot's authentication socket for an SMTP server's SASL.
# Listeners bind 127.0.0.1 on free ports; nothing outside DIR is written.
set -euo pipefail

cmd="${1:-}"
dir="${2:-}"
if [[ -z "$cmd" || -z "$dir" ]]; then
  echo "usage: $0 start|stop DIR" >&2
  exit 2
fi

DOVECOT="${DOVECOT:-$(command -v dovecot || echo /usr/sbin/dovecot)}"

free_port() {
  python3 - <<'PY'
import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()
PY
}

case "$cmd" in
start)
  if [[ ! -x "$DOVECOT" ]]; then
    echo "dovecot not found (install the Debian packages dovecot-imapd and dovecot-pop3d)" >&2
    exit 1
  fi
  mkdir -p "$dir"
  dir="$(cd "$dir" && pwd)"
  mkdir -p "$dir/run" "$dir/state" "$dir/mail/Maildir/cur" "$dir/mail/Maildir/new" "$dir/mail/Maildir/tmp"
  user_name="$(id -un)"
  group_name="$(id -gn)"
  uid="$(id -u)"
  gid="$(id -g)"
  login_user="$user_name"
  if [[ "$uid" == "0" ]]; then
    # Dovecot refuses to run login and mail processes as root: use the accounts the
    # Debian package created, and let them reach the files in DIR.
    user_name="dovecot"
    group_name="$(id -gn dovecot)"
    login_user="dovenull"
    uid="$(id -u dovecot)"
    gid="$(id -g dovecot)"
  fi
  mail_user="sac"
  mail_password="sac-test-password"

  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=localhost" \
    -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
    -keyout "$dir/key.pem" -out "$dir/cert.pem" >/dev/null 2>&1
  chmod 600 "$dir/key.pem"

  echo "${mail_user}:{PLAIN}${mail_password}:${uid}:${gid}::${dir}/mail::" > "$dir/passwd"

  imaps_port="$(free_port)"
  pop3s_port="$(free_port)"
  while [[ "$pop3s_port" == "$imaps_port" ]]; do pop3s_port="$(free_port)"; done

  cat > "$dir/dovecot.conf" <<CONF
instance_name = sac-test-$$
base_dir = $dir/run
state_dir = $dir/state
log_path = $dir/dovecot.log
info_log_path = $dir/dovecot.log
protocols = imap pop3
listen = 127.0.0.1
default_internal_user = $user_name
default_internal_group = $group_name
default_login_user = $login_user
first_valid_uid = $uid
last_valid_uid = $uid
first_valid_gid = $gid
last_valid_gid = $gid
ssl = required
ssl_cert = <$dir/cert.pem
ssl_key = <$dir/key.pem
disable_plaintext_auth = yes
auth_mechanisms = plain login
mail_location = maildir:$dir/mail/Maildir
mail_fsync = never
pop3_uidl_format = %08Xu%08Xv
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u $dir/passwd
}
userdb {
  driver = passwd-file
  args = username_format=%u $dir/passwd
}
service anvil {
  chroot =
}
service imap-login {
  chroot =
  inet_listener imap {
    port = 0
  }
  inet_listener imaps {
    address = 127.0.0.1
    port = $imaps_port
    ssl = yes
  }
}
service pop3-login {
  chroot =
  inet_listener pop3 {
    port = 0
  }
  inet_listener pop3s {
    address = 127.0.0.1
    port = $pop3s_port
    ssl = yes
  }
}
service auth {
  unix_listener auth-userdb {
    mode = 0600
    user = $user_name
  }
  # SASL for a private Postfix's smtpd (tests/integration/alerts/postfix.sh):
  # the same passwd file authenticates SMTP AUTH.
  unix_listener auth-smtp {
    mode = 0666
  }
}
service stats {
  unix_listener stats-reader {
    user = $user_name
  }
  unix_listener stats-writer {
    user = $user_name
  }
}
CONF

  if [[ "$(id -u)" == "0" ]]; then
    chmod 755 "$dir"
    chown -R "$uid:$gid" "$dir/mail"
    chmod -R a+rwX "$dir/mail"
  fi

  # Detach the daemon from our stdout/stderr so callers reading them (ctest) do not wait for it.
  "$DOVECOT" -c "$dir/dovecot.conf" </dev/null >>"$dir/dovecot.log" 2>&1
  # Wait until both listeners accept connections.
  for _ in $(seq 1 50); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$imaps_port") 2>/dev/null && (exec 3<>"/dev/tcp/127.0.0.1/$pop3s_port") 2>/dev/null; then
      echo "imaps=$imaps_port pop3s=$pop3s_port user=$mail_user password=$mail_password cert=$dir/cert.pem maildir=$dir/mail/Maildir" >"$dir/ports"
      cat "$dir/ports"
      exit 0
    fi
    sleep 0.1
  done
  echo "dovecot did not start; log follows:" >&2
  cat "$dir/dovecot.log" >&2 || true
  "$DOVECOT" -c "$dir/dovecot.conf" stop >/dev/null 2>&1 || true
  exit 1
  ;;
stop)
  if [[ -f "$dir/dovecot.conf" ]]; then
    "$DOVECOT" -c "$dir/dovecot.conf" stop </dev/null >/dev/null 2>&1 || true
    for _ in $(seq 1 50); do
      [[ -e "$dir/run/master.pid" ]] || break
      sleep 0.1
    done
  fi
  ;;
*)
  echo "usage: $0 start|stop DIR" >&2
  exit 2
  ;;
esac
