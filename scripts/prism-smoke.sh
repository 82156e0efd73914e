#!/usr/bin/env bash
# Starts Prism (the pinned version) as a mock of a spec, calls every operation once with its documented examples
# (tests/contract/prism-smoke.mjs), fails on any unexpected answer or any warning or error in Prism's log, and
# stops Prism again.
#
#   scripts/prism-smoke.sh [SPEC]          # default fixtures/miteos/openapi.json; PRISM_PORT (default 4010)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
spec="$(realpath "${1:-$root/fixtures/miteos/openapi.json}")"
port="${PRISM_PORT:-4010}"
log="$(mktemp -t prism-smoke.XXXXXX.log)"

"$root/scripts/install-test-tools.sh"

# --errors: request and response violations become error answers instead of warnings.
"$root/tests/contract/node_modules/.bin/prism" mock --errors -h 127.0.0.1 -p "$port" "$spec" >"$log" 2>&1 &
prism_pid=$!
trap 'kill "$prism_pid" 2>/dev/null || true; wait "$prism_pid" 2>/dev/null || true' EXIT

for _ in $(seq 1 120); do
    if grep -q "Prism is listening" "$log"; then break; fi
    if ! kill -0 "$prism_pid" 2>/dev/null; then
        echo "prism-smoke: Prism exited while starting:" >&2
        cat "$log" >&2
        exit 1
    fi
    sleep 0.5
done
if ! grep -q "Prism is listening" "$log"; then
    echo "prism-smoke: Prism did not start within 60 s:" >&2
    cat "$log" >&2
    exit 1
fi

status=0
(cd "$root/tests/contract" && node prism-smoke.mjs "$spec" "http://127.0.0.1:$port") || status=$?

if grep -E "⚠|✖|warning|error" "$log" >/dev/null; then
    echo "prism-smoke: Prism logged warnings or errors:" >&2
    grep -E -B3 "⚠|✖|warning|error" "$log" >&2
    status=1
fi
rm -f "$log"
exit "$status"
