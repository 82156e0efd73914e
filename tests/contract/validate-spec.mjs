#!/usr/bin/env node
// Strict validation of an OpenAPI document (the pinned Miteos spec by default).
//
//   node tests/contract/validate-spec.mjs [fixtures/miteos/openapi.json]
//
// 1. The document against the official OpenAPI JSON Schema of its version (@seriousme/openapi-schema-validator),
//    with every $ref resolvable.
// 2. Every Schema Object compiled by Ajv (JSON Schema 2020-12) in strict mode: unknown keywords, `required` names
//    missing from `properties`, and unknown formats are errors. The official 3.1 schema does not look inside Schema
//    Objects, so this is what catches a typo there.
// 3. Every example (schema `examples`, media type `example`/`examples`, parameter and header `example`) valid against
//    its schema: the contract tests decode Prism's answers, which are these examples.
// 4. Discriminators consistent with their `oneOf` (Ajv ignores `mapping`).
// 5. This project's rules for the pinned spec: FastAPI-form unique operationIds, declared tags, 401/429/500 on every
//    operation, 422 where the operation takes input, rate-limit headers on every response, an example on every
//    success response with a body.
//
// Prints every problem found and exits 1 if there is any.
import { readFileSync } from "node:fs";
import { Validator } from "@seriousme/openapi-schema-validator";
import Ajv2020 from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";

const addFormats = addFormatsModule.default ?? addFormatsModule;
const specPath = process.argv[2] ?? "fixtures/miteos/openapi.json";
const problems = [];
const problem = (where, message) => problems.push(`${where}: ${message}`);

const text = readFileSync(specPath, "utf8");
let spec;
try {
	spec = JSON.parse(text);
} catch (e) {
	console.error(`${specPath}: not JSON: ${e.message}`);
	process.exit(1);
}

// 1. Official schema.
const validator = new Validator();
const official = await validator.validate(structuredClone(spec));
if (!official.valid) {
	const errors = Array.isArray(official.errors) ? official.errors : [official.errors];
	for (const e of errors) {
		problem("official schema", typeof e === "string" ? e : `${e.instancePath || "/"} ${e.message} ${JSON.stringify(e.params ?? {})}`);
	}
}

// 2. Ajv strict over the Schema Objects.
const ajv = new Ajv2020({ strict: true, allErrors: true, strictTypes: true, allowUnionTypes: true });
addFormats(ajv);
ajv.addFormat("binary", true); // OpenAPI's format for raw bytes
for (const keyword of ["discriminator", "example", "xml", "externalDocs"]) ajv.addKeyword(keyword);
const extensions = new Set();
JSON.stringify(spec, (key, value) => {
	if (key.startsWith("x-") && key !== "x-websocket") extensions.add(key);
	return value;
});
for (const keyword of extensions) ajv.addKeyword(keyword);

// The schemas live in the document; Ajv sees `components/schemas` under an $id so that `#/components/schemas/X`
// resolves. Only that part is handed over, so no non-schema part of the document is read as schema keywords.
const DOC = "https://spec.local/openapi.json";
ajv.addKeyword("components");
ajv.addSchema({ $id: DOC, components: { schemas: spec.components?.schemas ?? {} } });

const compiled = new Map();

function rebase(schema) {
	return JSON.parse(JSON.stringify(schema), (key, value) =>
		key === "$ref" && typeof value === "string" && value.startsWith("#/") ? `${DOC}${value}` : value,
	);
}

// Each inline schema is compiled as a document of its own, its local refs pointing into DOC.
let inlineCount = 0;
function compileInline(schema, where) {
	const key = JSON.stringify(schema);
	if (compiled.has(key)) return compiled.get(key);
	let fn = null;
	try {
		fn = ajv.compile({ $id: `https://spec.local/inline/${inlineCount++}.json`, ...rebase(schema) });
	} catch (e) {
		problem(where, `schema does not compile: ${e.message}`);
	}
	compiled.set(key, fn);
	return fn;
}

function check(schema, value, where) {
	if (schema === undefined) return;
	const fn = compileInline(schema, where);
	if (fn && !fn(value)) {
		for (const e of fn.errors) problem(where, `example invalid at ${e.instancePath || "/"}: ${e.message} ${JSON.stringify(e.params)}`);
	}
}

const deref = (obj) => {
	let seen = 0;
	while (obj && typeof obj.$ref === "string" && seen++ < 20) {
		obj = obj.$ref.slice(2).split("/").reduce((o, k) => o?.[k.replace(/~1/g, "/").replace(/~0/g, "~")], spec);
	}
	return obj;
};

for (const [name, schema] of Object.entries(spec.components?.schemas ?? {})) {
	const where = `components/schemas/${name}`;
	const fn = compileInline({ $ref: `#/components/schemas/${name}` }, where);
	if (!fn) continue;
	for (const [i, ex] of (schema.examples ?? []).entries()) check({ $ref: `#/components/schemas/${name}` }, ex, `${where}/examples/${i}`);
	if (schema.example !== undefined) check({ $ref: `#/components/schemas/${name}` }, schema.example, `${where}/example`);
	// 4. Discriminator.
	if (schema.discriminator) {
		const { propertyName, mapping = {} } = schema.discriminator;
		const members = (schema.oneOf ?? schema.anyOf ?? []).map((m) => m.$ref);
		if (members.some((m) => !m)) problem(where, "discriminator members must all be $refs");
		const targets = new Set(Object.values(mapping));
		for (const m of members) if (m && !targets.has(m)) problem(where, `member ${m} missing from discriminator mapping`);
		for (const [value, target] of Object.entries(mapping)) {
			if (!members.includes(target)) problem(where, `mapping ${value} -> ${target} is not a member`);
			const t = deref({ $ref: target });
			if (!t?.required?.includes(propertyName)) problem(where, `${target} does not require ${propertyName}`);
			const p = t?.properties?.[propertyName];
			const allowed = p?.const !== undefined ? [p.const] : p?.enum;
			if (!allowed || allowed.length !== 1 || allowed[0] !== value) problem(where, `${target}.${propertyName} is not const ${JSON.stringify(value)}`);
		}
	}
}

// 3 and 5. Operations.
const METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];
const tags = new Set((spec.tags ?? []).map((t) => t.name));
const opIds = new Map();
const rateHeaders = ["X-RateLimit-Limit", "X-RateLimit-Remaining"];

function checkMedia(content, where) {
	for (const [type, media] of Object.entries(content ?? {})) {
		if (media.example !== undefined) check(media.schema, media.example, `${where} ${type} example`);
		for (const [k, ex] of Object.entries(media.examples ?? {})) {
			const v = deref(ex);
			if (v?.value !== undefined) check(media.schema, v.value, `${where} ${type} examples/${k}`);
		}
	}
}

function checkOperation(kind, path, method, operation, pathItem) {
	const where = `${kind} ${method.toUpperCase()} ${path}`;
	const params = [...(pathItem.parameters ?? []), ...(operation.parameters ?? [])].map(deref);
	for (const p of params) {
		if (p.example !== undefined) check(p.schema, p.example, `${where} parameter ${p.name}`);
		if (p.schema?.default !== undefined) check(p.schema, p.schema.default, `${where} parameter ${p.name} default`);
	}
	if (operation.requestBody) checkMedia(deref(operation.requestBody).content, `${where} request body`);
	for (const [code, resp0] of Object.entries(operation.responses ?? {})) {
		const resp = deref(resp0);
		checkMedia(resp.content, `${where} ${code}`);
		for (const [h, header] of Object.entries(resp.headers ?? {})) {
			// Shared headers ($ref) are checked once, under components/headers.
			if (header.example !== undefined) check(header.schema, header.example, `${where} ${code} header ${h}`);
		}
	}
	for (const t of operation.tags ?? []) if (!tags.has(t)) problem(where, `tag ${t} is not declared in top-level tags`);
	if (kind !== "path") return;

	// Project rules for client operations.
	const id = operation.operationId;
	if (!id) problem(where, "no operationId");
	else {
		if (opIds.has(id)) problem(where, `operationId ${id} also used by ${opIds.get(id)}`);
		opIds.set(id, where);
		const suffix = `_v1${path}`.replace(/\W/g, "_") + `_${method}`;
		if (!id.endsWith(suffix) || id.length === suffix.length) problem(where, `operationId ${id} is not FastAPI's {function}${suffix}`);
	}
	if ((operation.tags ?? []).length !== 1) problem(where, "expected exactly one tag");
	const codes = Object.keys(operation.responses ?? {});
	for (const c of ["401", "429", "500"]) if (!codes.includes(c)) problem(where, `no ${c} response`);
	if ((params.length || operation.requestBody) && !codes.includes("422")) problem(where, "takes input but has no 422 response");
	if (codes.includes("422")) {
		const s = deref(operation.responses["422"]).content?.["application/json"]?.schema?.$ref;
		if (s !== "#/components/schemas/HTTPValidationError") problem(where, "422 must answer HTTPValidationError");
	}
	for (const c of codes.filter((c) => /^(4|5)\d\d$/.test(c) && c !== "422")) {
		const s = deref(operation.responses[c]).content?.["application/json"]?.schema?.$ref;
		if (s !== "#/components/schemas/ErrorResponse") problem(where, `${c} must answer ErrorResponse`);
	}
	for (const [code, resp0] of Object.entries(operation.responses ?? {})) {
		const resp = deref(resp0);
		for (const h of rateHeaders) if (!resp.headers?.[h]) problem(where, `${code} lacks header ${h}`);
		if (/^2/.test(code)) {
			for (const [type, media] of Object.entries(resp.content ?? {})) {
				const hasExample = media.example !== undefined || Object.keys(media.examples ?? {}).length > 0;
				if (!hasExample) problem(where, `${code} ${type} has no example for Prism to serve`);
			}
		}
	}
	if (!codes.some((c) => /^(1|2)\d\d$/.test(c))) problem(where, "no success response");
}

for (const [path, item] of Object.entries(spec.paths ?? {})) {
	for (const m of METHODS) if (item[m]) checkOperation("path", path, m, item[m], item);
}
for (const [name, item0] of Object.entries(spec.webhooks ?? {})) {
	const item = deref(item0);
	for (const m of METHODS) if (item[m]) checkOperation("webhook", name, m, item[m], item);
}
for (const [name, header] of Object.entries(spec.components?.headers ?? {})) {
	if (header.example !== undefined) check(header.schema, header.example, `components/headers/${name}`);
}

const operations = opIds.size;
if (problems.length) {
	for (const p of problems) console.error(`error: ${p}`);
	console.error(`${specPath}: ${problems.length} problem(s)`);
	process.exit(1);
}
console.log(`${specPath}: valid OpenAPI ${spec.openapi} (${operations} operations, ${Object.keys(spec.components?.schemas ?? {}).length} schemas, ${compiled.size} schemas compiled strictly, examples checked)`);
