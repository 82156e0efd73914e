#!/usr/bin/env bash
# Installs the pinned Node tools of tests/contract (Prism, the OpenAPI schema validator, Ajv) from its committed
# package-lock.json. Idempotent: runs `npm ci` only when node_modules is missing or was installed from another lockfile.
#
#   scripts/install-test-tools.sh          # from anywhere in the checkout
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dir="$root/tests/contract"
stamp="$dir/node_modules/.installed-from-lock"

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    echo "install-test-tools: node and npm are required (Node.js >= 18.20.1, e.g. Debian's nodejs/npm packages); not found on PATH" >&2
    exit 1
fi
node -e '
const [maj, min, pat] = process.versions.node.split(".").map(Number);
if (maj < 18 || (maj === 18 && (min < 20 || (min === 20 && pat < 1)))) {
  console.error(`install-test-tools: Node.js >= 18.20.1 is required, found ${process.version}`);
  process.exit(1);
}' || exit 1

want="$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)"
if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" && -x "$dir/node_modules/.bin/prism" ]]; then
    exit 0
fi

echo "install-test-tools: npm ci in tests/contract" >&2
npm ci --prefix "$dir" --no-audit --no-fund --loglevel=error >&2
echo "$want" > "$stamp"
