// The procedures of the tRPC router itself (appRouter), read in a separate tsx process so the spec stays free of
// server imports. A procedure added later is in the matrix and the fuzzer without anyone editing a list.
import { execFileSync } from "node:child_process";

export interface ProcedureInfo {
  name: string;
  type: "query" | "mutation" | "subscription";
}

const SCRIPT = `
import { appRouter } from "./server/api/root";
const procedures = (appRouter as unknown as { _def: { procedures: Record<string, { _def: { type: string } }> } })._def.procedures;
console.log(JSON.stringify(Object.entries(procedures).map(([name, p]) => ({ name, type: p._def.type }))));
`;

export function listProcedures(): ProcedureInfo[] {
  // A placeholder URL: importing the router opens no connection.
  const out = execFileSync("npx", ["tsx", "--eval", SCRIPT], { env: { ...process.env, DATABASE_URL: process.env.DATABASE_URL ?? "postgresql://unused@127.0.0.1:1/unused" }, encoding: "utf8" });
  return JSON.parse(out.trim().split("\n").pop()!) as ProcedureInfo[];
}

export interface V1RouteInfo {
  method: string;
  path: string;
  scope: string;
}

const V1_SCRIPT = `
import { V1_ROUTES } from "./server/api/v1/registry";
console.log(JSON.stringify(V1_ROUTES.map((r) => ({ method: r.method, path: r.path, scope: r.scope }))));
`;

/** Every /api/v1 route of the registry with the API-key scope it needs. */
export function listV1Routes(): V1RouteInfo[] {
  const out = execFileSync("npx", ["tsx", "--eval", V1_SCRIPT], { env: { ...process.env, DATABASE_URL: process.env.DATABASE_URL ?? "postgresql://unused@127.0.0.1:1/unused" }, encoding: "utf8" });
  return JSON.parse(out.trim().split("\n").pop()!) as V1RouteInfo[];
}
