#!/usr/bin/env bash
# Installs the real agent clients the client tests drive (test/clients: Claude Code, the Claude
# Agent SDK, Codex CLI, OpenCode, playwright-core) at the versions of test/clients/package-lock.json.
# They weigh over a gigabyte, so they live in their own package, never in the main one.
# Idempotent: does nothing when the locked versions are installed and `claude` runs.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
clients="$root/test/clients"

# The project's Node 24 (the `node` devDependency) when the main package is installed, else PATH
# (an npm script already puts node_modules/.bin first).
if [ -x "$root/node_modules/.bin/node" ]; then PATH="$root/node_modules/.bin:$PATH"; fi
major="$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)"
if [ "$major" -lt 24 ]; then
  echo "ensure-test-clients: Node 24 is needed (found $(node --version 2>/dev/null || echo none)); run npm ci in $root first." >&2
  exit 1
fi

lock_hash="$(sha256sum "$clients/package-lock.json" "$clients/package.json" | sha256sum | cut -d' ' -f1)"
stamp="$clients/node_modules/.installed-lock-sha256"
claude="$clients/node_modules/.bin/claude"
# OpenCode's platform binary itself: the opencode-ai wrapper lists a dozen platform packages, and a
# registry that lacks some of them leaves a lock file npm ci refuses. Baseline runs on any x64 CPU.
opencode="$clients/node_modules/opencode-linux-x64-baseline/bin/opencode"

# Every top-level dependency at its exact pinned version (an optional one only where npm installs
# it: OpenCode's binary is Linux x64), and the CLIs that are there run.
installed() {
  [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$lock_hash" ] || return 1
  (cd "$clients" && node -e '
    const fs = require("fs");
    const { dependencies, optionalDependencies } = JSON.parse(fs.readFileSync("package.json", "utf8"));
    const check = (name, version, optional) => {
      const file = `node_modules/${name}/package.json`;
      if (optional && !fs.existsSync(file)) return;
      if (JSON.parse(fs.readFileSync(file, "utf8")).version !== version) process.exit(1);
    };
    for (const [name, version] of Object.entries(dependencies)) check(name, version, false);
    for (const [name, version] of Object.entries(optionalDependencies ?? {})) check(name, version, true);') 2>/dev/null || return 1
  "$claude" --version >/dev/null 2>&1 && { [ ! -e "$opencode" ] || "$opencode" --version >/dev/null 2>&1; }
}

if installed; then exit 0; fi

echo "installing test clients in test/clients (about 1.5 GB, once)" >&2
(cd "$clients" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
# npm may block Claude Code's postinstall (it links the platform's native binary over the
# bin/claude.exe stub); running it again is harmless.
(cd "$clients" && node node_modules/@anthropic-ai/claude-code/install.cjs >/dev/null)
for cli in "$claude" "$opencode"; do
  if [ "$cli" = "$opencode" ] && [ ! -e "$cli" ]; then continue; fi
  if ! "$cli" --version >/dev/null 2>&1; then
    echo "ensure-test-clients: $(basename "$cli") does not run after install: $("$cli" --version 2>&1 | head -3)" >&2
    exit 1
  fi
done
echo "$lock_hash" > "$stamp"
