// The simulated learner as a Policy: parameters, rollouts, GRPO update, JSON persistence.
import type { Policy, RolloutOptions, RolloutResult, RolloutTask } from "../types";
import { LogitTable, ZLearnerParams, type TLearnerParams } from "./params";
import { runRollout, type ForcedActions } from "./rollout";
import { grpoUpdate, type Moments, type UpdateConfig, type UpdateGroup, type UpdateStats } from "./update";

export class SimulatedLearner implements Policy {
  private constructor(
    private readonly table: LogitTable,
    private updates: number,
    private readonly moments: Moments = new Map(),
  ) {}

  /** Fresh parameters; the seed draws the per-function initial logits (a different "base model" per seed). */
  static create({ seed }: { seed: number }): SimulatedLearner {
    return new SimulatedLearner(new LogitTable(seed >>> 0), 0);
  }

  /** Parameters saved by toJSON(); throws when they are not the learner's. */
  static fromJSON(json: unknown): SimulatedLearner {
    const parsed = ZLearnerParams.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new Error(`not simulated-learner parameters (${issue?.path.join(".") || "root"}: ${issue?.message ?? "invalid"})`);
    }
    return new SimulatedLearner(new LogitTable(parsed.data.seed, parsed.data.logits), parsed.data.updates, new Map(Object.entries(parsed.data.moments ?? {})));
  }

  toJSON(): TLearnerParams {
    const base = { kind: "simulated-learner" as const, version: 1 as const, seed: this.table.seed, updates: this.updates, logits: this.table.learned() };
    if (this.moments.size === 0) return base;
    const moments: Record<string, [number, number, number]> = {};
    for (const k of [...this.moments.keys()].sort()) moments[k] = this.moments.get(k)!;
    return { ...base, moments };
  }

  /** GRPO updates applied so far. */
  get updateCount(): number {
    return this.updates;
  }

  /** Current value of a logit (see paramKey), for inspection and tests. */
  logit(key: string): number {
    return this.table.get(key);
  }

  async rollout(task: RolloutTask, options: RolloutOptions): Promise<RolloutResult> {
    options.signal?.throwIfAborted();
    return this.rolloutSync(task, options);
  }

  /** The same rollout, synchronously (benchmarks and tight loops). `forced` pins decisions, for tests. */
  rolloutSync(task: RolloutTask, options: RolloutOptions, forced?: ForcedActions): RolloutResult {
    return runRollout({ table: this.table, task, options, forced });
  }

  /** One GRPO step over the groups of a training step; the parameters change in place. */
  update({ groups, config }: { groups: readonly UpdateGroup[]; config: UpdateConfig }): UpdateStats {
    const stats = grpoUpdate(this.table, groups, config, this.moments);
    this.updates++;
    return stats;
  }
}
