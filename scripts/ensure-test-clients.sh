#!/usr/bin/env bash
# Installs the real agent clients the client tests drive (test/clients: Claude Code, the Claude
# Agent SDK, Codex CLI, playwright-core) at the versions of test/clients/package-lock.json.
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

# Every top-level dependency at its exact pinned version, and a claude that runs.
installed() {
  [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$lock_hash" ] || return 1
  (cd "$clients" && node -e '
    const { dependencies } = JSON.parse(require("fs").readFileSync("package.json", "utf8"));
    for (const [name, version] of Object.entries(dependencies)) {
      const got = JSON.parse(require("fs").readFileSync(`node_modules/${name}/package.json`, "utf8")).version;
      if (got !== version) process.exit(1);
    }') 2>/dev/null || return 1
  "$claude" --version >/dev/null 2>&1
}

if installed; then exit 0; fi

echo "installing test clients in test/clients (about 1.3 GB, once)" >&2
(cd "$clients" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
# npm may block Claude Code's postinstall (it links the platform's native binary over the
# bin/claude.exe stub); running it again is harmless.
(cd "$clients" && node node_modules/@anthropic-ai/claude-code/install.cjs >/dev/null)
if ! "$claude" --version >/dev/null 2>&1; then
  echo "ensure-test-clients: claude does not run after install: $("$claude" --version 2>&1 | head -3)" >&2
  exit 1
fi
echo "$lock_hash" > "$stamp"
