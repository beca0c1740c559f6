// Readers for the reference traces: RODS_BFCL_TRACES, or shared/bfcl/traces beside the repository (CI clones next to
// shared/), or /work/shared/bfcl/traces, when present; else the gzipped
// ground-truth copies shipped in data/bfcl/traces. Used by tests and benchmarks, not at run time.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import type { PublicState } from "../types";
import { bfclDataDir, type BfclCategory } from "./data";

export const SHARED_TRACE_DIR = "/work/shared/bfcl/traces";

export interface TraceTurn {
  calls: string[];
  results: string[];
  state: PublicState;
  state_digest: string;
}

export interface TraceLine {
  id: string;
  source_id?: string;
  initial_state?: PublicState;
  initial_state_digest?: string;
  turns: TraceTurn[];
}

export interface ProbeLine {
  class: string;
  call: string;
  result: string;
  state_changed?: boolean;
}

/** The full trace folder (with fuzz_a and probe_a), or undefined when only the shipped gt copies exist. */
export function sharedTraceDir(): string | undefined {
  const candidates = process.env.RODS_BFCL_TRACES
    ? [process.env.RODS_BFCL_TRACES]
    : [join(bfclDataDir(), "..", "..", "..", "shared", "bfcl", "traces"), SHARED_TRACE_DIR];
  return candidates.find((dir) => ["fuzz_a.jsonl", "fuzz_b.jsonl", "probe_a.jsonl"].every((f) => existsSync(join(dir, f))));
}

function parseLines<T>(text: string): T[] {
  return text
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => JSON.parse(l) as T);
}

/** Read a trace file by base name (e.g. "gt_base", "fuzz_a"); undefined when it is not available. */
export function readTraceFile<T = TraceLine>(name: string): T[] | undefined {
  const shared = sharedTraceDir();
  if (shared && existsSync(join(shared, `${name}.jsonl`))) return parseLines<T>(readFileSync(join(shared, `${name}.jsonl`), "utf8"));
  const gz = join(bfclDataDir(), "traces", `${name}.jsonl.gz`);
  if (existsSync(gz)) return parseLines<T>(gunzipSync(readFileSync(gz)).toString("utf8"));
  return undefined;
}

export function readGroundTruthTraces(category: BfclCategory): TraceLine[] {
  const lines = readTraceFile(`gt_${category}`);
  if (!lines) throw new Error(`no ground-truth trace for ${category} (looked in ${SHARED_TRACE_DIR} and data/bfcl/traces)`);
  return lines;
}
