#!/usr/bin/env bash
# The run command: installs what is missing, builds, and starts the host with
# the SAC module on SQLite, plus the marketplace simulator with a demo store.
#   scripts/run.sh            (Ctrl-C stops both)
# Environment: SAC_PORT (8080), SAC_SIM_PORT (8090), SAC_DATA_DIR (./data)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
preset=${SAC_PRESET:-release}
port=${SAC_PORT:-8080}
sim_port=${SAC_SIM_PORT:-8090}
data=$(realpath -m "${SAC_DATA_DIR:-$root/data}")

scripts/deps.sh run
cmake --preset "$preset" >/dev/null
cmake --build --preset "$preset" -j "$(nproc)" --target sac-host sac sac-sim

bin="$root/build/$preset/bin"
mkdir -p "$data"
config="$data/host.properties"
if [ ! -f "$config" ]; then
  cat >"$config" <<CONF
host.listen = 127.0.0.1:$port
host.modules = $root/build/$preset/modules
host.data_dir = $data
host.database = sqlite:$data/sac.db
modules.sac.key_file = $data/sac.key
modules.sac.aliexpress_gateway = http://127.0.0.1:$sim_port
modules.sac.demo_store = true
CONF
fi
# The simulator listens on 127.0.0.1: a development setting lets stores point
# there (a production host keeps it off). Added to configs written earlier too.
if ! grep -q '^modules\.sac\.allow_loopback_endpoints' "$config"; then
  printf '%s\n' '# Development only: stores may point at the simulator on 127.0.0.1.' \
    'modules.sac.allow_loopback_endpoints = true' >>"$config"
fi

demo_password=${SAC_DEMO_PASSWORD:-demo1234}
if [ ! -f "$data/.demo-users" ]; then
  export SAC_PASSWORD="$demo_password"
  "$bin/sac-host" --config="$config" --create-account="Loja Demo"
  "$bin/sac-host" --config="$config" --create-user=admin --account="Loja Demo" --role=admin \
      --email=admin@loja-demo.example --name="Administrador Demo"
  "$bin/sac-host" --config="$config" --create-user=vendedor --account="Loja Demo" --role=seller \
      --email=vendedor@loja-demo.example --name="Vendedor Demo"
  unset SAC_PASSWORD
  touch "$data/.demo-users"
fi

"$bin/sac-sim" --port="$sim_port" --disputes="${SAC_SIM_DISPUTES:-120}" >"$data/sim.log" 2>&1 &
sim_pid=$!
trap 'kill $sim_pid 2>/dev/null || true' EXIT
for _ in $(seq 1 50); do
  curl -fsS "http://127.0.0.1:$sim_port/_sim/health" >/dev/null 2>&1 && break
  kill -0 "$sim_pid" 2>/dev/null || { echo "the simulator did not start:" >&2; cat "$data/sim.log" >&2; exit 1; }
  sleep 0.2
done

cat <<MSG

  SAC e pós-venda is starting at http://127.0.0.1:$port/
  Demo logins (password "$demo_password"):
    admin     (admin of "Loja Demo": configures stores)
    vendedor  (seller of "Loja Demo": syncs and handles disputes)
  Marketplace simulator: http://127.0.0.1:$sim_port/  (log: $data/sim.log)
  Data: $data   Stop with Ctrl-C.

MSG
"$bin/sac-host" --config="$config"
