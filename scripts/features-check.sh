#!/usr/bin/env bash
# Builds generated crates under several feature sets: all features, none, each resource alone, and
# all but one capability (`websocket`, `webhook-verify`, `multipart`), for each capability (clippy
# with warnings denied, so unused imports and dead links count too). A set that fails means the
# generator's reachability left out a type some operation needs, or gated a capability's code
# wrongly. The runtime is checked the same way: its default parts but one, for each, and none.
#
#   scripts/features-check.sh            # the runtime, the Miteos crate, the multipart snapshot, Oxide nexus
#                                        # (each feature), GitHub `issues`
#   scripts/features-check.sh --quick    # the runtime and the Miteos crate only
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target}"
specs="${SDKGEN_SPECS:-$root/../shared/specs}"

# features MANIFEST: the crate's feature names, from its [features] table.
features() {
    sed -n '/^\[features\]/,/^\[/p' "$1" | sed -n 's/^\([A-Za-z0-9_-]*\) = \[\]$/\1/p'
}

# defaults MANIFEST: the features of its `default` list.
defaults() {
    sed -n 's/^default = \[\(.*\)\]$/\1/p' "$1" | tr -d '" ' | tr ',' '\n'
}

# capabilities MANIFEST: the default features that turn on a part of the runtime.
capabilities() {
    sed -n '/^\[features\]/,/^\[/p' "$1" | sed -n 's/^\([A-Za-z0-9_-]*\) = \[.*sdkgen-runtime\/.*\]$/\1/p' |
        grep -Fxf <(defaults "$1") || true
}

# but MANIFEST FEATURE: the default features but FEATURE, comma-separated.
but() {
    defaults "$1" | grep -vx "$2" | paste -sd, -
}

# check MANIFEST ARGS...: clippy the crate with these feature arguments.
check() {
    local manifest="$1"
    shift
    echo "--> $(basename "$(dirname "$manifest")") $*"
    cargo clippy --quiet --manifest-path "$manifest" "$@" -- -D warnings
}

# each MANIFEST [FEATURE...]: all, none, then each feature given (every feature when none is given).
each() {
    local manifest="$1"
    shift
    local list=("$@")
    if [[ ${#list[@]} -eq 0 ]]; then
        mapfile -t list < <(features "$manifest")
    fi
    check "$manifest"
    check "$manifest" --no-default-features
    for feature in "${list[@]}"; do
        check "$manifest" --no-default-features --features "$feature"
    done
    local capability
    for capability in $(capabilities "$manifest"); do
        check "$manifest" --no-default-features --features "$(but "$manifest" "$capability")"
    done
}

# The runtime library with none of its optional parts, and with its default parts but one, for each.
runtime="$root/templates/Cargo.toml"
check "$runtime" --no-default-features
for part in $(defaults "$runtime"); do
    check "$runtime" --no-default-features --features "$(but "$runtime" "$part")"
done
each "$root/generated/Cargo.toml"
if [[ "${1:-}" == "--quick" ]]; then
    exit 0
fi

out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
# generate NAME SPEC: a standalone crate in $out/NAME, on the repository's dependency versions.
generate() {
    cargo xtask codegen --spec "$2" --out "$out/$1" --name "features-$1" >/dev/null
    cp "$root/Cargo.lock" "$out/$1/Cargo.lock"
}
generate oxide-nexus "$specs/oxide-nexus/nexus.json"
generate github "$specs/github/api.github.com.json"
# The multipart snapshot crate: the one whose operations all need `multipart`.
each "$root/fixtures/snapshots/multipart/expected/Cargo.toml"
each "$out/oxide-nexus/Cargo.toml"
each "$out/github/Cargo.toml" issues
echo "features-check: ok"
