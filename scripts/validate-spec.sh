#!/usr/bin/env bash
# Validates the pinned Miteos spec and its SDK config; exits non-zero on any problem.
#
#   scripts/validate-spec.sh [SPEC [SDK_TOML]]     # defaults: fixtures/miteos/openapi.json, the sdk.toml beside it
#
# 1. tests/contract/validate-spec.mjs: the official OpenAPI schema, Ajv strict over every Schema Object, every
#    example against its schema, discriminators, and the project's rules for the spec (see that file).
# 2. The operationIds of the spec and the [operations] of sdk.toml name the same set; every name is
#    `resource.method` and unique; [pagination] names list operations whose answers hold the named fields.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
spec="$(realpath "${1:-$root/fixtures/miteos/openapi.json}")"
config="$(realpath "${2:-$(dirname "$spec")/sdk.toml}")"

"$root/scripts/install-test-tools.sh"
# Run from tests/contract so that Node resolves the pinned packages.
(cd "$root/tests/contract" && node validate-spec.mjs "$spec")

if ! command -v python3 >/dev/null 2>&1; then
    echo "validate-spec: python3 (>= 3.11, for tomllib) is required for the sdk.toml check" >&2
    exit 1
fi
python3 - "$spec" "$config" <<'PY'
import json, re, sys
try:
    import tomllib
except ImportError:
    sys.exit("validate-spec: python3 >= 3.11 is required (tomllib)")

spec_path, config_path = sys.argv[1], sys.argv[2]
spec = json.load(open(spec_path, encoding="utf-8"))
with open(config_path, "rb") as f:
    config = tomllib.load(f)

problems = []
ops = {}
for path, item in spec.get("paths", {}).items():
    for method, op in item.items():
        if method in ("get", "put", "post", "delete", "options", "head", "patch", "trace") and "operationId" in op:
            ops[op["operationId"]] = op

mapping = config.get("operations", {})
for op_id in sorted(set(ops) - set(mapping)):
    problems.append(f"operationId {op_id} is not in [operations] of {config_path}")
for op_id in sorted(set(mapping) - set(ops)):
    problems.append(f"[operations] names {op_id}, which the spec does not have")
seen = {}
for op_id, name in mapping.items():
    if not isinstance(name, str) or not re.fullmatch(r"[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*", name):
        problems.append(f"[operations] {op_id} = {name!r} is not `resource.method` in snake_case")
    elif name in seen:
        problems.append(f"[operations] {op_id} and {seen[name]} both map to {name}")
    else:
        seen[name] = op_id

def resolve(node):
    for _ in range(20):
        if not (isinstance(node, dict) and "$ref" in node):
            return node
        target = spec
        for part in node["$ref"][2:].split("/"):
            target = target[part.replace("~1", "/").replace("~0", "~")]
        node = target
    return node

for op_id, page in config.get("pagination", {}).items():
    op = ops.get(op_id)
    if op is None:
        problems.append(f"[pagination] names {op_id}, which the spec does not have")
        continue
    params = {p.get("name") for p in map(resolve, op.get("parameters", []))}
    if page.get("style") == "offset":
        for p in ("limit", "offset"):
            if p not in params:
                problems.append(f"[pagination] {op_id}: offset style but no `{p}` query parameter")
    ok = next((r for c, r in op.get("responses", {}).items() if c.startswith("2")), None)
    schema = resolve((resolve(ok or {}).get("content", {}).get("application/json", {})).get("schema", {}))
    props = schema.get("properties", {})
    for key in ("items", "total", "next_cursor"):
        field = page.get(key)
        if field is not None and field not in props:
            problems.append(f"[pagination] {op_id}: {key} = {field!r} is not a field of the answer")
    if page.get("items") and resolve(props.get(page["items"], {})).get("type") != "array":
        problems.append(f"[pagination] {op_id}: items field {page['items']!r} is not an array")

if problems:
    for p in problems:
        print(f"error: {p}", file=sys.stderr)
    sys.exit(1)
print(f"{config_path}: {len(mapping)} operations mapped, same set as the spec; {len(config.get('pagination', {}))} paginated")
PY
