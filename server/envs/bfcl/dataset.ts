// Reads a folder in BFCL's multi-turn format (questions/<category>.jsonl + answers/<category>.jsonl) into
// validated entries. Pure parsing: every problem is reported with its file and line, and nothing is half-read.
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { CallParseError, parseCall } from "./python-call";

export interface GroundTruthCall {
  name: string;
  args: Record<string, unknown>;
  /** the original Python-syntax string */
  source: string;
}

export interface BfclEntry {
  id: string;
  category: string;
  scenarioIndex: number | null;
  split: "train" | "test" | "none";
  turns: { role: "user"; content: string }[][];
  initialConfig: Record<string, Record<string, unknown>>;
  involvedClasses: string[];
  groundTruth: GroundTruthCall[][];
  missedFunctions: Record<string, string[]>;
  longContext: boolean;
  contentHash: string;
  /** where the question came from, `file:line`, for messages about this entry */
  source?: string;
}

export class DatasetFormatError extends Error {
  constructor(readonly problems: string[]) {
    super(`${problems.length} problem(s) in the import:\n${problems.slice(0, 20).join("\n")}${problems.length > 20 ? `\n… and ${problems.length - 20} more` : ""}`);
    this.name = "DatasetFormatError";
  }
}

const ZQuestion = z.object({
  id: z.string().min(1),
  question: z.array(z.array(z.object({ role: z.literal("user"), content: z.string() }))),
  initial_config: z.record(z.string(), z.record(z.string(), z.unknown())),
  involved_classes: z.array(z.string()).min(1),
  missed_function: z.record(z.string(), z.array(z.string())).optional(),
});

const ZAnswer = z.object({
  id: z.string().min(1),
  ground_truth: z.array(z.array(z.string())),
});

/** The number at the end of an id: multi_turn_miss_param_17 -> 17. */
export function scenarioIndexOf(id: string): number | null {
  const m = /_(\d+)$/.exec(id);
  return m ? Number(m[1]) : null;
}

/** Train = even scenario index, test = odd (no scenario on both sides). */
export function splitOf(index: number | null): "train" | "test" | "none" {
  if (index === null) return "none";
  return index % 2 === 0 ? "train" : "test";
}

export function contentHashOf(turns: unknown, groundTruth: GroundTruthCall[][], initialConfig: unknown): string {
  const gt = groundTruth.map((turn) => turn.map((c) => ({ name: c.name, args: c.args })));
  return createHash("sha256").update(stableStringify({ turns, gt, initialConfig })).digest("hex");
}

function stableStringify(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(",")}]`;
  if (value && typeof value === "object") {
    const keys = Object.keys(value).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${stableStringify((value as Record<string, unknown>)[k])}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

type ParamOrder = (functionName: string) => readonly string[] | undefined;

const utf8 = new TextDecoder("utf-8", { fatal: true });

/** Lines of a file as text; a line that is not valid UTF-8 is a problem (file:line), never silently U+FFFD. */
function readLines(file: string, problems: string[]): (string | null)[] {
  const bytes = readFileSync(file);
  const out: (string | null)[] = [];
  let start = 0;
  for (let i = 0; i <= bytes.length; i++) {
    if (i < bytes.length && bytes[i] !== 0x0a) continue;
    try {
      out.push(utf8.decode(bytes.subarray(start, i)));
    } catch {
      problems.push(`${file}:${out.length + 1}: not valid UTF-8; save the file as UTF-8`);
      out.push(null);
    }
    start = i + 1;
  }
  return out;
}

function readJsonl<T>(file: string, schema: z.ZodType<T>, problems: string[]): { line: number; value: T }[] {
  const out: { line: number; value: T }[] = [];
  const lines = readLines(file, problems);
  lines.forEach((text, i) => {
    if (text === null || !text.trim()) return;
    const where = `${file}:${i + 1}`;
    // Postgres cannot store NUL in text or JSON: refuse it here with its line, not as a database error later.
    if (text.includes("\u0000") || /\\u0000/i.test(text)) {
      problems.push(`${where}: contains a NUL character (\\u0000), which cannot be stored; remove it`);
      return;
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      problems.push(`${where}: not valid JSON (${(error as Error).message})`);
      return;
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      problems.push(`${where}: ${issue.path.join(".") || "line"}: ${issue.message}`);
      return;
    }
    out.push({ line: i + 1, value: parsed.data });
  });
  return out;
}

/**
 * Parses every category found in `dir`. Throws DatasetFormatError listing every problem (file:line: what) when
 * anything is wrong, so a caller imports all or nothing.
 */
export function readBfclFolder({ dir, paramOrder, knownClasses }: { dir: string; paramOrder: ParamOrder; knownClasses?: readonly string[] }): BfclEntry[] {
  const questionsDir = path.join(dir, "questions");
  const answersDir = path.join(dir, "answers");
  if (!existsSync(questionsDir) || !existsSync(answersDir)) {
    throw new DatasetFormatError([`${dir}: expected the folders questions/ and answers/ (BFCL multi-turn format)`]);
  }
  const categories = readdirSync(questionsDir)
    .filter((f) => f.endsWith(".jsonl"))
    .map((f) => f.slice(0, -".jsonl".length))
    .sort();
  if (categories.length === 0) throw new DatasetFormatError([`${questionsDir}: no <category>.jsonl files`]);
  const problems: string[] = [];
  const entries: BfclEntry[] = [];
  const seen = new Set<string>();
  for (const category of categories) {
    const qFile = path.join(questionsDir, `${category}.jsonl`);
    const aFile = path.join(answersDir, `${category}.jsonl`);
    if (!existsSync(aFile)) {
      problems.push(`${aFile}: missing (every questions file needs its answers file)`);
      continue;
    }
    const questions = readJsonl(qFile, ZQuestion, problems);
    const answers = new Map(readJsonl(aFile, ZAnswer, problems).map((a) => [a.value.id, a]));
    for (const { line, value: q } of questions) {
      const where = `${qFile}:${line}`;
      if (seen.has(q.id)) {
        problems.push(`${where}: duplicate id ${q.id}`);
        continue;
      }
      seen.add(q.id);
      const unknown = knownClasses ? q.involved_classes.filter((c) => !knownClasses.includes(c)) : [];
      if (unknown.length) {
        problems.push(`${where}: unknown API class${unknown.length > 1 ? "es" : ""} ${unknown.join(", ")}; known: ${knownClasses!.join(", ")}`);
        continue;
      }
      const answer = answers.get(q.id);
      if (!answer) {
        problems.push(`${where}: no answer with id ${q.id} in ${aFile}`);
        continue;
      }
      if (answer.value.ground_truth.length !== q.question.length) {
        problems.push(`${aFile}:${answer.line}: ${answer.value.ground_truth.length} ground-truth turns for ${q.question.length} question turns`);
        continue;
      }
      const groundTruth: GroundTruthCall[][] = [];
      let isBroken = false;
      for (const turn of answer.value.ground_truth) {
        const calls: GroundTruthCall[] = [];
        for (const source of turn) {
          try {
            const parsed = parseCall(source);
            const args = { ...parsed.args };
            if (parsed.positional.length) {
              const order = paramOrder(parsed.name);
              if (!order || order.length < parsed.positional.length) {
                throw new CallParseError(`positional argument for unknown function or parameter of ${parsed.name}`, 0, source);
              }
              parsed.positional.forEach((v, i) => (args[order[i]!] = v));
            }
            calls.push({ name: parsed.name, args, source });
          } catch (error) {
            problems.push(`${aFile}:${answer.line}: cannot parse call ${JSON.stringify(source)}: ${(error as Error).message}`);
            isBroken = true;
          }
        }
        groundTruth.push(calls);
      }
      if (isBroken) continue;
      const scenarioIndex = scenarioIndexOf(q.id);
      const turns = q.question as BfclEntry["turns"];
      entries.push({
        id: q.id,
        category,
        scenarioIndex,
        split: splitOf(scenarioIndex),
        turns,
        initialConfig: q.initial_config as BfclEntry["initialConfig"],
        involvedClasses: q.involved_classes,
        groundTruth,
        missedFunctions: q.missed_function ?? {},
        longContext: category === "long_context",
        contentHash: contentHashOf(turns, groundTruth, q.initial_config),
        source: where,
      });
    }
    const questionIds = new Set(questions.map((q) => q.value.id));
    for (const [id, a] of answers) {
      if (!questionIds.has(id)) problems.push(`${aFile}:${a.line}: answer ${id} has no question`);
    }
  }
  if (problems.length) throw new DatasetFormatError(problems);
  return entries;
}
