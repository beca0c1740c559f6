// The readable reference of /api/v1 at /api/v1/docs: HTML rendered on the server from the OpenAPI document,
// with no scripts and no network (machines running RODS may have none).
type Json = Record<string, unknown>;

const esc = (value: unknown) =>
  String(value ?? "")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;");

/** Inline `code` in descriptions. */
const prose = (text: unknown) => esc(text).replace(/`([^`]+)`/g, "<code>$1</code>").replace(/\n\n/g, "<br>");

function resolve(schema: Json | undefined, doc: Json): Json {
  const ref = schema?.$ref;
  if (typeof ref !== "string") return schema ?? {};
  const name = ref.split("/").pop()!;
  return ((doc.components as Json | undefined)?.schemas as Record<string, Json> | undefined)?.[name] ?? {};
}

function typeName(schema: Json, doc: Json): string {
  if (typeof schema.$ref === "string") return String(schema.$ref).split("/").pop()!;
  if (schema.enum) return (schema.enum as unknown[]).map((v) => JSON.stringify(v)).join(" | ");
  if (schema.const !== undefined) return JSON.stringify(schema.const);
  const variants = (schema.anyOf ?? schema.oneOf) as Json[] | undefined;
  if (variants) return variants.map((v) => typeName(v, doc)).join(" | ");
  if (schema.type === "array") return `${typeName((schema.items as Json) ?? {}, doc)}[]`;
  if (Array.isArray(schema.type)) return schema.type.join(" | ");
  if (schema.type === "object" && schema.additionalProperties && typeof schema.additionalProperties === "object") {
    return `{[name]: ${typeName(schema.additionalProperties as Json, doc)}}`;
  }
  return String(schema.type ?? (schema.format ? schema.format : "any"));
}

function constraints(schema: Json): string {
  const parts: string[] = [];
  for (const key of ["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "minLength", "maxLength", "minItems", "maxItems", "format", "pattern"]) {
    if (schema[key] !== undefined) parts.push(`${key} ${schema[key]}`);
  }
  if (schema.default !== undefined) parts.push(`default ${JSON.stringify(schema.default)}`);
  return parts.join(", ");
}

/** A schema as nested field tables (objects expanded; references to named schemas expanded once per page). */
function renderSchema(schema: Json | undefined, doc: Json, seen: Set<string>, depth = 0): string {
  if (!schema || depth > 6) return "";
  const ref = typeof schema.$ref === "string" ? schema.$ref : undefined;
  if (ref && seen.has(ref)) return `<p class="ref">see <code>${esc(ref.split("/").pop())}</code> above</p>`;
  if (ref) seen.add(ref);
  const s = resolve(schema, doc);
  const variants = (s.anyOf ?? s.oneOf) as Json[] | undefined;
  if (variants && variants.some((v) => resolve(v, doc).type === "object")) {
    return variants
      .filter((v) => resolve(v, doc).type === "object")
      .map((v, i) => `<div class="variant"><div class="vlabel">variant ${i + 1}</div>${renderSchema(v, doc, seen, depth + 1)}</div>`)
      .join("");
  }
  if (s.type === "array") return renderSchema(s.items as Json, doc, seen, depth + 1);
  if (s.type !== "object" || !s.properties) return "";
  const required = new Set((s.required as string[] | undefined) ?? []);
  const rows = Object.entries(s.properties as Record<string, Json>).map(([name, prop]) => {
    const inner = resolve(prop, doc);
    const nested = renderSchema(prop, doc, seen, depth + 1);
    return `<tr><td><code>${esc(name)}</code>${required.has(name) ? "" : ' <span class="opt">optional</span>'}</td><td><code>${esc(typeName(prop, doc))}</code></td><td>${prose(inner.description ?? prop.description ?? "")}${constraints(inner) ? `<div class="c">${esc(constraints(inner))}</div>` : ""}${nested}</td></tr>`;
  });
  const closed = s.additionalProperties === false ? '<div class="c">unknown fields are refused</div>' : "";
  return `<table><thead><tr><th>field</th><th>type</th><th>meaning</th></tr></thead><tbody>${rows.join("")}</tbody></table>${closed}`;
}

export function renderApiDocs(document: unknown): string {
  const doc = document as Json;
  const info = doc.info as Json;
  const byTag = new Map<string, string[]>();
  for (const [path, item] of Object.entries(doc.paths as Record<string, Record<string, Json>>)) {
    for (const [method, op] of Object.entries(item)) {
      const tag = ((op.tags as string[] | undefined) ?? ["other"])[0]!;
      const params = ((op.parameters as Json[] | undefined) ?? []).map(
        (p) =>
          `<tr><td><code>${esc(p.name)}</code> <span class="opt">${esc(p.in)}${p.required ? "" : ", optional"}</span></td><td><code>${esc(typeName((p.schema as Json) ?? {}, doc))}</code></td><td>${prose((p.schema as Json | undefined)?.description ?? p.description ?? "")}<div class="c">${esc(constraints((p.schema as Json) ?? {}))}</div></td></tr>`,
      );
      const body = ((op.requestBody as Json | undefined)?.content as Json | undefined)?.["application/json"] as Json | undefined;
      const responses = Object.entries((op.responses as Record<string, Json>) ?? {}).map(([status, r]) => {
        const schema = ((r.content as Json | undefined)?.["application/json"] as Json | undefined)?.schema as Json | undefined;
        const isError = Number(status) >= 400;
        return `<li><b>${esc(status)}</b> ${esc(r.description)}${schema && !isError ? renderSchema(schema, doc, new Set()) : ""}</li>`;
      });
      const anchor = String(op.operationId ?? `${method}-${path}`);
      const html = `<section class="op" id="${esc(anchor)}">
<h3><span class="m m-${esc(method)}">${esc(method.toUpperCase())}</span> <code>/api/v1${esc(path)}</code></h3>
<p class="sum">${esc(op.summary)}</p><p>${prose(op.description ?? "")}</p>
${params.length ? `<h4>Parameters</h4><table><thead><tr><th>name</th><th>type</th><th>meaning</th></tr></thead><tbody>${params.join("")}</tbody></table>` : ""}
${body ? `<h4>Body (application/json)</h4>${renderSchema(body.schema as Json, doc, new Set())}` : ""}
<h4>Responses</h4><ul>${responses.join("")}</ul></section>`;
      byTag.set(tag, [...(byTag.get(tag) ?? []), html]);
    }
  }
  const toc = [...byTag.keys()].map((tag) => `<a href="#tag-${esc(tag)}">${esc(tag)}</a>`).join(" · ");
  const sections = [...byTag.entries()].map(([tag, ops]) => `<h2 id="tag-${esc(tag)}">${esc(tag)}</h2>${ops.join("")}`).join("");
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(info.title)} reference</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font:15px/1.5 system-ui,sans-serif;max-width:980px;margin:2rem auto;padding:0 1rem;color:#1b1f24}
code{font:13px ui-monospace,monospace;background:#f2f4f7;padding:0 3px;border-radius:3px}
table{border-collapse:collapse;width:100%;margin:.4rem 0}td,th{border:1px solid #dde1e6;padding:4px 6px;vertical-align:top;text-align:left}
th{background:#f7f8fa;font-weight:600}.op{border-top:1px solid #dde1e6;padding:.6rem 0}.sum{font-weight:600;margin:.2rem 0}
.m{display:inline-block;min-width:3.5em;text-align:center;color:#fff;border-radius:3px;font-size:13px;padding:1px 4px}
.m-get{background:#2f6fb3}.m-post{background:#2c8a4b}.m-put,.m-patch{background:#a86b00}.m-delete{background:#b3261e}
.opt{color:#6b7280;font-size:12px}.c{color:#6b7280;font-size:12px}.variant{border-left:3px solid #dde1e6;padding-left:6px;margin:4px 0}.vlabel{font-size:12px;color:#6b7280}
</style></head><body>
<h1>${esc(info.title)} v${esc(info.version)}</h1>
<p>${prose(info.description)}</p>
<p>Machine-readable: <a href="/api/v1/openapi.json">/api/v1/openapi.json</a> (OpenAPI ${esc(doc.openapi)}). Sections: ${toc}</p>
${sections}
</body></html>`;
}
