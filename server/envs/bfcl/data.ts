// Loaders for the shipped BFCL data (data/bfcl, or the folder named by RODS_BFCL_DATA). Each file is read once and
// cached; what is returned is deep-frozen, so clone anything you mean to change (a mutation throws at once).
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const BFCL_CATEGORIES = ["base", "miss_func", "miss_param", "long_context"] as const;
export type BfclCategory = (typeof BFCL_CATEGORIES)[number];

export const BFCL_CLASSES = [
  "GorillaFileSystem",
  "MathAPI",
  "MessageAPI",
  "TwitterAPI",
  "TicketAPI",
  "TradingBot",
  "TravelAPI",
  "VehicleControlAPI",
] as const;
export type BfclClassName = (typeof BFCL_CLASSES)[number];

/** Class name -> func_docs file (without .jsonl), as data/bfcl/README.md lists them. */
export const FUNC_DOC_FILES: Readonly<Record<BfclClassName, string>> = {
  GorillaFileSystem: "gorilla_file_system",
  MathAPI: "math_api",
  MessageAPI: "message_api",
  TwitterAPI: "posting_api",
  TicketAPI: "ticket_api",
  TradingBot: "trading_bot",
  TravelAPI: "travel_booking",
  VehicleControlAPI: "vehicle_control",
};

/** A JSON-schema-like parameter description in BFCL's dialect (type "dict", "float", "tuple", "any"). */
export interface BfclSchema {
  type?: string;
  description?: string;
  properties?: Record<string, BfclSchema>;
  items?: BfclSchema;
  required?: string[];
  enum?: unknown[];
  default?: unknown;
  [key: string]: unknown;
}

export interface FuncDoc {
  name: string;
  description: string;
  parameters: BfclSchema & { properties: Record<string, BfclSchema>; required?: string[] };
  response?: BfclSchema;
}

export interface BfclMessage {
  role: string;
  content: string;
}

export interface BfclEntry {
  id: string;
  category: BfclCategory;
  /** Scenario index: the number at the end of the id. */
  index: number;
  /** User turns; an empty turn (miss_func) is where held-back tools are released. */
  question: BfclMessage[][];
  initialConfig: Record<string, Record<string, unknown>>;
  involvedClasses: string[];
  /** Turn index -> function names held back until that turn (miss_func only; {} otherwise). */
  missedFunction: Record<string, string[]>;
  /** Ground-truth call strings per turn. */
  groundTruth: string[][];
  longContext: boolean;
}

function resolveDataDir(): string {
  const fromEnv = process.env.RODS_BFCL_DATA;
  if (fromEnv) return resolve(fromEnv);
  // path.join, not new URL(..., import.meta.url): bundlers treat the latter as an asset to resolve at build time.
  const here = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "data", "bfcl");
  if (existsSync(here)) return here;
  // Bundlers may move this file; the project root is then the working directory.
  return resolve(process.cwd(), "data/bfcl");
}

let dataDirCache: string | undefined;
export function bfclDataDir(): string {
  dataDirCache ??= resolveDataDir();
  return dataDirCache;
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value as Record<string, unknown>)) deepFreeze(v);
  }
  return value;
}

const jsonCache = new Map<string, unknown>();
function readJson(relPath: string): unknown {
  let v = jsonCache.get(relPath);
  if (v === undefined) {
    v = deepFreeze(JSON.parse(readFileSync(join(bfclDataDir(), relPath), "utf8")) as unknown);
    jsonCache.set(relPath, v);
  }
  return v;
}

export function readJsonLines(path: string): unknown[] {
  return readFileSync(path, "utf8")
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as unknown);
}

/** A class's public state after loading an empty config (read-only). */
export function defaultState(className: string): Readonly<Record<string, unknown>> {
  const all = readJson("env_data/default_state.json") as Record<string, Record<string, unknown>>;
  const state = all[className];
  if (!state) throw new Error(`no default state for class '${className}' in env_data/default_state.json`);
  return state;
}

/** A literal data table written inside a class, keyed `module:Class.method:variable` (read-only). */
export function classTable(key: string): unknown {
  const all = readJson("env_data/class_tables.json") as Record<string, unknown>;
  if (!(key in all)) throw new Error(`no class table '${key}' in env_data/class_tables.json`);
  return all[key];
}

/** Padding data for long-context mode (read-only); the string "Ellipsis" stands for Python's `...`. */
export function longContextData(): Readonly<Record<string, unknown>> {
  return readJson("env_data/long_context_data.json") as Record<string, unknown>;
}

const funcDocCache = new Map<string, FuncDoc[]>();
/** Tool schemas of one class, in file order (read-only). */
export function funcDocs(className: string): readonly FuncDoc[] {
  let docs = funcDocCache.get(className);
  if (!docs) {
    const file = FUNC_DOC_FILES[className as BfclClassName];
    if (!file) throw new Error(`unknown BFCL class '${className}'; expected one of ${BFCL_CLASSES.join(", ")}`);
    docs = deepFreeze(readJsonLines(join(bfclDataDir(), "func_docs", `${file}.jsonl`)) as FuncDoc[]);
    funcDocCache.set(className, docs);
  }
  return docs;
}

interface RawQuestion {
  id: string;
  question: BfclMessage[][];
  initial_config?: Record<string, Record<string, unknown>>;
  involved_classes: string[];
  missed_function?: Record<string, string[]>;
}

interface RawAnswer {
  id: string;
  ground_truth: string[][];
}

export function scenarioIndex(id: string): number {
  const m = /(\d+)$/.exec(id.split("#")[0]);
  if (!m) throw new Error(`BFCL id '${id}' does not end in a scenario number`);
  return Number(m[1]);
}

const entryCache = new Map<BfclCategory, BfclEntry[]>();
/** Questions joined with their answers, in file order (read-only). */
export function loadBfclEntries(category: BfclCategory): readonly BfclEntry[] {
  let entries = entryCache.get(category);
  if (!entries) {
    const dir = bfclDataDir();
    const answers = new Map<string, string[][]>();
    for (const a of readJsonLines(join(dir, "answers", `${category}.jsonl`)) as RawAnswer[]) answers.set(a.id, a.ground_truth);
    entries = (readJsonLines(join(dir, "questions", `${category}.jsonl`)) as RawQuestion[]).map((q) => {
      const groundTruth = answers.get(q.id);
      if (!groundTruth) throw new Error(`no ground truth for ${q.id} in answers/${category}.jsonl`);
      return {
        id: q.id,
        category,
        index: scenarioIndex(q.id),
        question: q.question,
        initialConfig: q.initial_config ?? {},
        involvedClasses: q.involved_classes,
        missedFunction: q.missed_function ?? {},
        groundTruth,
        longContext: category === "long_context",
      };
    });
    deepFreeze(entries);
    entryCache.set(category, entries);
  }
  return entries;
}

let entryById: Map<string, BfclEntry> | undefined;
/** Any entry of the four categories by id; a fuzz id (`<base id>#fuzz...`) is not resolved here. */
export function getBfclEntry(id: string): BfclEntry {
  if (!entryById) {
    entryById = new Map();
    for (const c of BFCL_CATEGORIES) for (const e of loadBfclEntries(c)) entryById.set(e.id, e);
  }
  const e = entryById.get(id);
  if (!e) throw new Error(`unknown BFCL entry '${id}'`);
  return e;
}
