#!/usr/bin/env node
// Smoke test of a running Prism mock against the spec it serves: every operation of `paths` is called with its
// documented example parameters and request body (some also with the bodies of EXTRA_BODIES), and must answer its
// documented success status, the example body and the rate-limit headers, with no `sl-violations` header.
// Run by scripts/prism-smoke.sh, which starts and stops Prism.
//
//   node tests/contract/prism-smoke.mjs SPEC BASE_URL
//
// Operations without a 2xx response (the WebSocket upgrade of GET /events) are skipped and reported.
import { readFileSync } from "node:fs";
import { isDeepStrictEqual } from "node:util";

const [specPath, base] = process.argv.slice(2);
if (!specPath || !base) {
	console.error("usage: prism-smoke.mjs SPEC BASE_URL");
	process.exit(2);
}
const spec = JSON.parse(readFileSync(specPath, "utf8"));
const deref = (obj) => {
	for (let i = 0; obj && typeof obj.$ref === "string" && i < 20; i++) {
		obj = obj.$ref.slice(2).split("/").reduce((o, k) => o?.[k.replace(/~1/g, "/").replace(/~0/g, "~")], spec);
	}
	return obj;
};

// Bodies a client may send besides the documented example: only the required fields, and every optional
// nullable field as an explicit null (what a serializer that does not skip `None` sends).
const EXTRA_BODIES = {
	"POST /tasks": [
		{ prompt: "x" },
		{ prompt: "x", workspace_id: null, config: null },
		{ prompt: "x", config: {} },
		{ prompt: "x", config: { max_agents: 1, autonomy_level: 0, auto_deploy: true, deploy_target: null } },
	],
	"POST /agents/{agent_id}/approve/{approval_id}": [{ approved: false }, { approved: true, reason: null }],
	"POST /workspaces": [{ name: "w" }, { name: "w", description: null }],
	"POST /commerce/cards": [{ name: "c", spend_limit: 100 }],
	"POST /skills": [{ name: "s", description: "d", steps: [{ id: "step_1", tool: "t", description: "d" }] }],
	"POST /webhooks": [
		{ url: "https://example.com/h", events: ["task.complete"] },
		{ url: "https://example.com/h", events: ["billing.credit_low"], secret: null },
	],
};

let passed = 0;
let failed = 0;
let skipped = 0;
const fail = (where, message) => console.error(`FAIL ${where}: ${message}`);

for (const [path, item] of Object.entries(spec.paths)) {
	for (const method of ["get", "put", "post", "delete", "patch"]) {
		const op = item[method];
		if (!op) continue;
		const where = `${method.toUpperCase()} ${path}`;
		const success = Object.keys(op.responses).find((c) => /^2\d\d$/.test(c));
		if (!success) {
			skipped++;
			console.log(`skip ${where}: no 2xx response (${Object.keys(op.responses).join(", ")})`);
			continue;
		}
		const params = (op.parameters ?? []).map(deref);
		let url = path;
		const query = new URLSearchParams();
		for (const p of params) {
			if (p.in === "path") url = url.replace(`{${p.name}}`, encodeURIComponent(p.example));
			else if (p.in === "query" && p.example !== undefined) query.set(p.name, String(p.example));
		}
		// An empty Accept where no body comes back: on a 204 Prism warns "Unable to find content for <type>" for any
		// Accept it is sent (fetch sends */* when none is set).
		const expectsBody = Object.keys(deref(op.responses[success]).content ?? {}).length > 0;
		const headers = { Authorization: "Bearer mt_test_x", Accept: expectsBody ? "*/*" : "" };
		const bodies = [undefined];
		if (op.requestBody) {
			const media = deref(op.requestBody).content["application/json"];
			bodies[0] = JSON.stringify(media.example);
			for (const extra of EXTRA_BODIES[where] ?? []) bodies.push(JSON.stringify(extra));
			headers["Content-Type"] = "application/json";
		}
		for (const body of bodies) {
			const label = bodies.length > 1 ? `${where} ${body}` : where;
			const qs = query.toString();
			let res;
			try {
				res = await fetch(`${base}${url}${qs ? `?${qs}` : ""}`, { method: method.toUpperCase(), headers, body });
			} catch (e) {
				failed++;
				fail(label, `request failed: ${e.message}`);
				continue;
			}
			const raw = Buffer.from(await res.arrayBuffer());
			const expected = deref(op.responses[success]);
			const problems = [];
			if (String(res.status) !== success) problems.push(`status ${res.status}, expected ${success}: ${raw.toString("utf8").slice(0, 300)}`);
			for (const h of Object.keys(expected.headers ?? {})) {
				if (!res.headers.has(h)) problems.push(`header ${h} missing`);
			}
			for (const h of ["X-RateLimit-Limit", "X-RateLimit-Remaining"]) {
				const v = res.headers.get(h);
				if (v !== null && !/^\d+$/.test(v)) problems.push(`header ${h} is not an integer: ${v}`);
			}
			const violations = res.headers.get("sl-violations");
			if (violations) problems.push(`Prism reports violations: ${violations}`);
			const [type, media] = Object.entries(expected.content ?? {})[0] ?? [];
			if (!type) {
				if (raw.length) problems.push(`expected no body, got ${raw.length} bytes`);
			} else if (type === "application/json") {
				let got;
				try {
					got = JSON.parse(raw.toString("utf8"));
				} catch {
					problems.push(`body is not JSON: ${raw.toString("utf8").slice(0, 200)}`);
				}
				if (got !== undefined && !isDeepStrictEqual(got, media.example)) {
					problems.push(`body differs from the example: ${JSON.stringify(got).slice(0, 300)}`);
				}
			} else if (!(res.headers.get("content-type") ?? "").startsWith(type)) {
				problems.push(`content-type ${res.headers.get("content-type")}, expected ${type}`);
			}
			if (problems.length) {
				failed++;
				for (const p of problems) fail(label, p);
			} else {
				passed++;
				console.log(`ok   ${label} -> ${res.status}`);
			}
		}
	}
}
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed ? 1 : 0);
