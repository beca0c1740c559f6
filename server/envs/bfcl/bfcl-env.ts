// The BFCL environment: the involved API classes of one entry, with BFCL's call semantics (argument binding like a
// Python method call, exceptions recorded as "Error during execution: ...", results formatted as BFCL records them).
import type { CallResult, Environment, EnvironmentInit, OpenAITool, PublicState, ToolCall } from "../types";
import { PyException, type BfclApiClass } from "./api-class";
import { BFCL_CLASSES, funcDocs, type BfclSchema, type FuncDoc } from "./data";
import { formatResult } from "./py-format";
import { CallParseError, parseCall, type ParsedCall } from "./python-call";
import { createBfclClass, STATELESS_CLASSES } from "./registry";

export const ERROR_PREFIX = "Error during execution: ";

interface ToolSignature {
  className: string;
  doc: FuncDoc;
  /** Parameter names in signature order (func_docs property order matches the Python signature). */
  params: readonly string[];
  paramSet: ReadonlySet<string>;
  required: readonly string[];
}

const signatureCache = new Map<string, ToolSignature[]>();
function classSignatures(className: string): ToolSignature[] {
  let sigs = signatureCache.get(className);
  if (!sigs) {
    sigs = funcDocs(className).map((doc) => {
      const params = Object.keys(doc.parameters.properties ?? {});
      return { className, doc, params, paramSet: new Set(params), required: doc.parameters.required ?? [] };
    });
    signatureCache.set(className, sigs);
  }
  return sigs;
}

const toolCache = new Map<string, OpenAITool[]>();
/** OpenAI tool schemas of one class (cached; callers must not mutate them). */
export function classTools(className: string): readonly OpenAITool[] {
  let tools = toolCache.get(className);
  if (!tools) {
    tools = funcDocs(className).map(toOpenAITool);
    toolCache.set(className, tools);
  }
  return tools;
}

/** BFCL func_doc -> OpenAI function tool: BFCL type names to JSON Schema ones, `response` dropped. */
export function toOpenAITool(doc: FuncDoc): OpenAITool {
  return {
    type: "function",
    function: { name: doc.name, description: doc.description, parameters: convertSchema(doc.parameters) },
  };
}

const TYPE_MAP: Readonly<Record<string, string | undefined>> = {
  dict: "object",
  float: "number",
  tuple: "array",
  any: undefined,
};

export function convertSchema(schema: BfclSchema): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === "type" && typeof value === "string") {
      const mapped = value in TYPE_MAP ? TYPE_MAP[value] : value;
      if (mapped !== undefined) out.type = mapped;
    } else if (key === "properties" && value && typeof value === "object") {
      const props: Record<string, unknown> = {};
      for (const [name, sub] of Object.entries(value as Record<string, BfclSchema>)) props[name] = convertSchema(sub);
      out.properties = props;
    } else if (key === "items" && value && typeof value === "object" && !Array.isArray(value)) {
      out.items = convertSchema(value as BfclSchema);
    } else if (key !== "response") {
      out[key] = value;
    }
  }
  return out;
}

/** Tool schemas for a set of classes, leaving out excluded names. */
export function bfclTools(involvedClasses: readonly string[], exclude: readonly string[] = []): OpenAITool[] {
  const skip = new Set(exclude);
  const out: OpenAITool[] = [];
  for (const cls of involvedClasses) for (const t of classTools(cls)) if (!skip.has(t.function.name)) out.push(t);
  return out;
}

export interface MissFuncEntry {
  involvedClasses: readonly string[];
  /** Turn index (as a string key) -> function names released at that turn. */
  missedFunction?: Readonly<Record<string, readonly string[]>>;
}

/** Names still held back at a turn: those released at a later turn. */
export function heldBackFunctions(entry: MissFuncEntry, turnIndex: number): string[] {
  const out: string[] = [];
  for (const [turn, names] of Object.entries(entry.missedFunction ?? {})) if (Number(turn) > turnIndex) out.push(...names);
  return out;
}

/** The tools a model sees in a turn under BFCL's miss_func protocol. */
export function toolsForTurn(entry: MissFuncEntry, turnIndex: number): OpenAITool[] {
  return bfclTools(entry.involvedClasses, heldBackFunctions(entry, turnIndex));
}

/** Python's wording for a list of missing argument names: 'a', 'a' and 'b', 'a', 'b', and 'c'. */
function pyNameList(names: readonly string[]): string {
  const q = names.map((n) => `'${n}'`);
  if (q.length <= 1) return q.join("");
  if (q.length === 2) return `${q[0]} and ${q[1]}`;
  return `${q.slice(0, -1).join(", ")}, and ${q[q.length - 1]}`;
}

/** Fresh copies of container arguments: a class may keep or mutate what it is given, as Python code can. */
function copyArg(value: unknown): unknown {
  if (value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map(copyArg);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[k] = copyArg(v);
  return out;
}

let allSignatures: Map<string, ToolSignature> | undefined;
/** Signature of any BFCL tool by name (all eight classes), or undefined. */
export function toolSignature(name: string): { className: string; params: readonly string[] } | undefined {
  if (!allSignatures) {
    allSignatures = new Map();
    for (const cls of BFCL_CLASSES) for (const sig of classSignatures(cls)) allSignatures.set(sig.doc.name, sig);
  }
  return allSignatures.get(name);
}

/** A parsed Python-syntax call as a ToolCall: positional arguments get their parameter names (extra ones are dropped). */
export function parsedToToolCall(call: ParsedCall): ToolCall {
  if (call.positional.length === 0) return { name: call.name, args: call.args };
  const params = toolSignature(call.name)?.params ?? [];
  const args: Record<string, unknown> = {};
  call.positional.forEach((v, i) => {
    if (i < params.length) args[params[i]] = v;
  });
  return { name: call.name, args: { ...args, ...call.args } };
}

export function errorResult(message: string): CallResult {
  return { output: ERROR_PREFIX + message, isError: true };
}

export interface BfclEnvironment extends Environment {
  readonly involvedClasses: readonly string[];
  /** Class name that owns a tool among the involved classes, or undefined. */
  classOfTool(name: string): string | undefined;
  /** Execute an already parsed Python-syntax call (positional arguments bound by signature order). */
  executeParsed(call: ParsedCall): CallResult;
}

interface EnvSnapshot {
  classes: unknown[];
}

export interface BfclEnvironmentOptions {
  /** Class factory (default: the registry); tests use it to plug in fakes. */
  createClass?: (className: string) => BfclApiClass;
}

export function createBfclEnvironment(init: EnvironmentInit, options: BfclEnvironmentOptions = {}): BfclEnvironment {
  const involved = [...init.involvedClasses];
  const create = options.createClass ?? createBfclClass;
  const instances: BfclApiClass[] = involved.map((name) => {
    const instance = create(name);
    instance.loadScenario(init.initialConfig[name] ?? {}, init.longContext);
    return instance;
  });
  const byTool = new Map<string, { sig: ToolSignature; fn: (args: Record<string, unknown>) => unknown }>();
  instances.forEach((instance, i) => {
    for (const sig of classSignatures(involved[i])) {
      const fn = instance.tools[sig.doc.name];
      if (!fn) throw new Error(`${involved[i]} has no implementation of tool '${sig.doc.name}' listed in its func_docs`);
      byTool.set(sig.doc.name, { sig, fn });
    }
  });
  const stateful = instances.filter((inst) => !STATELESS_CLASSES.has(inst.className));

  function invoke(name: string, positional: readonly unknown[], keywords: Record<string, unknown>): CallResult {
    const tool = byTool.get(name);
    // BFCL evaluates a name it cannot map to an involved class as a bare Python name.
    if (!tool) return errorResult(`name '${name}' is not defined`);
    const { sig, fn } = tool;
    const qualified = `${sig.className}.${name}()`;
    if (positional.length > sig.params.length) {
      return errorResult(
        `${qualified} takes ${sig.params.length + 1} positional argument${sig.params.length === 0 ? "" : "s"} but ${positional.length + 1} were given`,
      );
    }
    const args: Record<string, unknown> = {};
    positional.forEach((v, i) => {
      args[sig.params[i]] = copyArg(v);
    });
    for (const [k, v] of Object.entries(keywords)) {
      if (!sig.paramSet.has(k)) return errorResult(`${qualified} got an unexpected keyword argument '${k}'`);
      if (Object.prototype.hasOwnProperty.call(args, k)) return errorResult(`${qualified} got multiple values for argument '${k}'`);
      args[k] = copyArg(v);
    }
    const missing = sig.required.filter((p) => !Object.prototype.hasOwnProperty.call(args, p));
    if (missing.length > 0) {
      return errorResult(
        `${qualified} missing ${missing.length} required positional argument${missing.length === 1 ? "" : "s"}: ${pyNameList(missing)}`,
      );
    }
    let value: unknown;
    try {
      value = fn(args);
    } catch (e) {
      if (e instanceof PyException || e instanceof Error) return errorResult(e.message);
      return errorResult(String(e));
    }
    return { output: formatResult(value), isError: false };
  }

  const env: BfclEnvironment = {
    involvedClasses: involved,
    classOfTool: (name) => byTool.get(name)?.sig.className,
    tools: (options) => bfclTools(involved, options?.exclude),
    execute: (call: ToolCall) => invoke(call.name, [], call.args ?? {}),
    executeParsed: (call: ParsedCall) => invoke(call.name, call.positional, call.args),
    executeString(source: string): CallResult {
      let parsed: ParsedCall;
      try {
        parsed = parseCall(source);
      } catch (e) {
        if (e instanceof CallParseError) return errorResult(`invalid call syntax: ${e.message}`);
        throw e;
      }
      return invoke(parsed.name, parsed.positional, parsed.args);
    },
    state(): PublicState {
      const out: PublicState = {};
      for (const inst of stateful) out[inst.className] = inst.publicState();
      return out;
    },
    snapshot(): EnvSnapshot {
      return { classes: instances.map((inst) => inst.snapshot()) };
    },
    restore(snapshot: unknown): void {
      const snap = snapshot as EnvSnapshot;
      if (!snap || !Array.isArray(snap.classes) || snap.classes.length !== instances.length) {
        throw new Error("restore() needs a snapshot taken from an environment with the same classes");
      }
      instances.forEach((inst, i) => inst.restore(snap.classes[i]));
    },
  };
  return env;
}
