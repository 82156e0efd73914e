#!/usr/bin/env bash
# Instructions per call (or per event) of every row of a bench, both sides in one callgrind run.
#
# Usage: bash benches/callgrind.sh client_overhead|events [OUT_DIR]
#
# Builds the bench (the `bench` profile, with line tables so that `callgrind_annotate` names lines), runs it once
# under `valgrind --tool=callgrind`, which writes the counts at every `sdk_benches_boundary()` (the bench calls
# it before and after each measured stretch) and keeps each thread apart, then prints the main thread's
# instructions per call of each measured stretch. The loopback server runs on another thread and is not
# counted. Instruction counts hardly move when the machine is busy, unlike wall-clock time.
#
# One round of each row by default (`BENCH_ROUNDS=1`); `BENCH_CALLS` (client_overhead, default 200) and
# `BENCH_EVENTS` (events, default 2000) set its length. The profiles stay in OUT_DIR (default
# target/callgrind/NAME) for `callgrind_annotate OUT_DIR/cg.out.N-01`. `CALLGRIND_ARGS=--cache-sim=yes` adds the
# cache simulation (I1/D1/LL misses, the `summary:` line's further columns); `BENCH_BINARY` runs a bench binary
# kept from an earlier build instead of building one, so that two versions can be compared in one session.
set -euo pipefail

bench=${1:?usage: benches/callgrind.sh client_overhead|events [OUT_DIR]}
root=$(cd "$(dirname "$0")/.." && pwd)
out=${2:-$root/target/callgrind/$bench}

case $bench in
    client_overhead)
        per=${BENCH_CALLS:-200}
        rows=("sdk  tasks().get(id).send()" "bare GET /tasks/{id}" "sdk  tasks().create(..).send()" "bare POST /tasks")
        pairs=("get:0:1" "create:2:3")
        export BENCH_CALLS=$per
        ;;
    events)
        per=${BENCH_EVENTS:-2000}
        rows=("sdk  events().subscribe() stream" "bare tokio-tungstenite + serde_json" "decode only: serde_json -> Event"
            "decode only: peek type, then its struct" "decode only: -> each event's struct")
        pairs=("stream:0:1" "decode Event/struct:2:4")
        export BENCH_EVENTS=$per
        ;;
    *)
        echo "unknown bench $bench (client_overhead or events)" >&2
        exit 2
        ;;
esac
export BENCH_ROUNDS=1

export CARGO_PROFILE_BENCH_DEBUG=line-tables-only
binary=${BENCH_BINARY:-}
[ -n "$binary" ] || binary=$(cd "$root" && cargo bench -p sdk-benches --bench "$bench" --no-run --message-format=json 2>/dev/null |
    sed -n 's/.*"executable":"\([^"]*\)".*/\1/p' | tail -1)
[ -x "$binary" ] || { echo "could not build the $bench bench" >&2; exit 1; }

rm -rf "$out"
mkdir -p "$out"
valgrind --tool=callgrind ${CALLGRIND_ARGS:-} --separate-threads=yes --dump-before=sdk_benches_boundary \
    --callgrind-out-file="$out/cg.out" "$binary" > "$out/bench.txt" 2> "$out/valgrind.txt"

# Part 1 is the set-up before the first boundary; then each row gives a measured part and the gap after it.
total() { sed -n 's/^summary: \([0-9]*\).*/\1/p; s/^totals: \([0-9]*\).*/\1/p' "$1" | head -1; }
declare -a ir
for i in "${!rows[@]}"; do
    part=$((2 + 2 * i))
    file="$out/cg.out.$part-01"
    [ -f "$file" ] || { echo "missing $file (see $out/valgrind.txt)" >&2; exit 1; }
    ir[i]=$(total "$file")
done
echo "$bench under callgrind: main thread, $per per row, one run"
printf '%-42s %14s %14s\n' "row" "instructions" "per call"
for i in "${!rows[@]}"; do
    printf '%-42s %14d %14.0f\n' "${rows[i]}" "${ir[i]}" "$(echo "${ir[i]} / $per" | bc -l)"
done
for pair in "${pairs[@]}"; do
    IFS=: read -r name a b <<< "$pair"
    printf 'ratio %-36s %13.3fx\n' "$name (instructions, ${a}/${b})" "$(echo "${ir[a]} / ${ir[b]}" | bc -l)"
done
echo "profiles: $out/cg.out.<part>-01 (row i is part 2+2i); bench output: $out/bench.txt"
