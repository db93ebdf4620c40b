#!/usr/bin/env bash
# Installs the system tools the test suite runs for real: redis-server (shared limits),
# promtool (metrics lint, alert rule tests) and yamllint (Helm chart lint).
set -euo pipefail
missing=()
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
command -v promtool >/dev/null 2>&1 || missing+=(prometheus)
command -v yamllint >/dev/null 2>&1 || missing+=(yamllint)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "The tests need: ${missing[*]}. Install them (Debian/Ubuntu: sudo apt-get install -y ${missing[*]}) and run again." >&2
  exit 1
fi
echo "installing test tools: ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
# Debian starts the services it installs; the tests start their own instances on free ports.
for service in redis-server prometheus prometheus-node-exporter; do
  (command -v systemctl >/dev/null 2>&1 && systemctl stop "$service" >/dev/null 2>&1) || true
  (command -v service >/dev/null 2>&1 && service "$service" stop >/dev/null 2>&1) || true
done
