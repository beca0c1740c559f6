// The learner's parameters: named logits, stored sparsely as plain JSON. A key that was never updated holds its
// initial value, which is a pure function of (key, seed), so the JSON only carries what learning changed and the
// KL penalty can always recompute where a logit started.
import { z } from "zod";
import { createRng, hashSeed } from "../../rods/random";

/** Priors of the initial parameters, calibrated on the BFCL train seeds (see README.md "Calibration"). */
export const PRIOR = {
  /** global bias of acting correctly at a ground-truth call */
  callBias: 0.4,
  /** per-function initial logits ~ N(0, functionSpread²), drawn from (seed, function name) */
  functionSpread: 1.0,
  /** per-category initial logits of acting correctly */
  category: { base: 0, miss_func: 0, miss_param: 0, long_context: -0.5 } as Readonly<Record<string, number>>,
  /** per dependency-depth bucket (0..4+): deeper chains start harder */
  depth: [0.3, 0, -0.3, -0.6, -0.9] as readonly number[],
  /** global bias of asking (instead of acting) on a turn whose ground truth is empty */
  askBias: 0,
  askCategory: { miss_func: 0, miss_param: 0 } as Readonly<Record<string, number>>,
} as const;

export const DEPTH_BUCKETS = 5;

/** Keys of the logits. One place, so rollouts and the update agree on them. */
export const paramKey = {
  callBias: "b",
  fn: (name: string) => `f:${name}`,
  category: (category: string) => `c:${category}`,
  depth: (bucket: number) => `d:${bucket}`,
  task: (taskId: string) => `t:${taskId}`,
  askBias: "ab",
  askCategory: (category: string) => `ac:${category}`,
  askTask: (taskId: string) => `at:${taskId}`,
};

/** Per-task logits (as opposed to the shared skill logits). */
export function isTaskKey(key: string): boolean {
  return key.startsWith("t:") || key.startsWith("at:");
}

/** Initial value of a logit. Per-task logits start at 0: tasks differ through their fixed inherent offsets. */
export function initialLogit(key: string, seed: number): number {
  if (key === paramKey.callBias) return PRIOR.callBias;
  if (key === paramKey.askBias) return PRIOR.askBias;
  const colon = key.indexOf(":");
  const kind = key.slice(0, colon);
  const name = key.slice(colon + 1);
  switch (kind) {
    case "f":
      return PRIOR.functionSpread * createRng(hashSeed(seed, "simulated-fn", name)).normal();
    case "c":
      return PRIOR.category[name] ?? 0;
    case "d":
      return PRIOR.depth[Number(name)] ?? 0;
    case "ac":
      return PRIOR.askCategory[name] ?? 0;
    default:
      return 0;
  }
}

export const ZLearnerParams = z.object({
  kind: z.literal("simulated-learner"),
  version: z.literal(1),
  seed: z.number().int(),
  /** GRPO updates applied so far */
  updates: z.number().int().min(0),
  /** logits that differ from their initial value */
  logits: z.record(z.string(), z.number().finite()),
  /** Adam's state per logit it has moved: [first moment, second moment, updates of that logit] */
  moments: z.record(z.string(), z.tuple([z.number().finite(), z.number().finite().min(0), z.number().int().min(0)])).optional(),
});
export type TLearnerParams = z.infer<typeof ZLearnerParams>;

/** Logit values with initial values filled in on first read (cached: the initial value of a function key costs a hash). */
export class LogitTable {
  private readonly values = new Map<string, number>();
  private readonly initial = new Map<string, number>();

  constructor(
    readonly seed: number,
    learned: Readonly<Record<string, number>> = {},
  ) {
    for (const [k, v] of Object.entries(learned)) this.values.set(k, v);
  }

  init(key: string): number {
    let v = this.initial.get(key);
    if (v === undefined) {
      v = initialLogit(key, this.seed);
      this.initial.set(key, v);
    }
    return v;
  }

  get(key: string): number {
    return this.values.get(key) ?? this.init(key);
  }

  add(key: string, delta: number): void {
    this.values.set(key, this.get(key) + delta);
  }

  /** Learned logits, sorted by key so equal parameters serialise identically. */
  learned(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const k of [...this.values.keys()].sort()) {
      const v = this.values.get(k)!;
      if (v !== this.init(k)) out[k] = v;
    }
    return out;
  }

  clone(): LogitTable {
    const copy = new LogitTable(this.seed);
    for (const [k, v] of this.values) copy.values.set(k, v);
    return copy;
  }
}
