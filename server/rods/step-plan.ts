// How many steps a run takes, and why that number moved. A step trains on one batch of the active pool, so an epoch
// has ceil(pool / batchSize) steps; the plan is made at creation from the seeds (epochs × steps of the first epoch,
// capped by a budget) and assumes every later epoch looks like the newest one known. When an epoch boundary changes
// the pool (injection, retirement) and with it the steps of an epoch, the total changes, and the change is kept so
// the UI can say why. Epochs are 0-based here; texts for people are 1-based.

/** Steps of one epoch over a pool: one per batch (budgeted runs top up their last batch, so the count is the same). */
export function stepsForPool({ poolSize, batchSize }: { poolSize: number; batchSize: number }): number {
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`stepsForPool: batch size must be a positive integer, got ${batchSize}`);
  return Math.ceil(Math.max(0, poolSize) / batchSize);
}

/** One epoch as far as it is known: its pool size and, once planned, its steps and tasks per step. */
export interface TEpochKnown {
  poolSize: number | null;
  /** steps planned for the epoch; null before the epoch is planned (predicted from poolSize) */
  steps: number | null;
  /** tasks in a step (full batches: all steps equal); null = min(batchSize, poolSize) */
  tasksPerStep?: number | null;
}

export interface TPlanSettings {
  epochs: number;
  batchSize: number;
  k: number;
  budgetSteps?: number | null;
  budgetRollouts?: number | null;
}

export interface TPlanChange {
  /** 0-based epoch whose planning changed the total */
  epoch: number;
  poolBefore: number | null;
  poolAfter: number | null;
  stepsPerEpochBefore: number;
  stepsPerEpochAfter: number;
  totalBefore: number;
  totalAfter: number;
}

export interface TStepPlan {
  /** the plan made at creation, from the seeds */
  initialTotal: number;
  /** the plan now */
  total: number;
  /** steps of each known epoch */
  stepsByEpoch: number[];
  /** each epoch that moved the total, oldest first */
  changes: TPlanChange[];
  /** steps the budget allows when it is below the epochs' plan, else null */
  budgetCap: number | null;
}

interface EpochShape {
  steps: number;
  rolloutsPerStep: number;
}

/** Steps that start under the budgets (no step starts once a budget is reached), over epochs in order. */
export function stepsWithinBudget(epochs: readonly EpochShape[], budget: { budgetSteps?: number | null; budgetRollouts?: number | null }): number {
  let steps = 0;
  let rollouts = 0;
  for (const e of epochs) {
    let allowed = e.steps;
    if (budget.budgetSteps != null) allowed = Math.min(allowed, Math.max(0, budget.budgetSteps - steps));
    if (budget.budgetRollouts != null && e.rolloutsPerStep > 0) allowed = Math.min(allowed, Math.max(0, Math.ceil((budget.budgetRollouts - rollouts) / e.rolloutsPerStep)));
    steps += allowed;
    rollouts += allowed * e.rolloutsPerStep;
    if (allowed < e.steps) break;
  }
  return steps;
}

function shapeOf(e: TEpochKnown, s: TPlanSettings): EpochShape {
  const steps = e.steps ?? stepsForPool({ poolSize: e.poolSize ?? 0, batchSize: s.batchSize });
  const tasksPerStep = e.tasksPerStep ?? Math.min(s.batchSize, e.poolSize ?? s.batchSize);
  return { steps, rolloutsPerStep: tasksPerStep * s.k };
}

/** The total as known after epoch `upto` was planned: the known epochs, then copies of the newest, under the budgets. */
function totalAfter(shapes: readonly EpochShape[], upto: number, s: TPlanSettings): { total: number; byEpochs: number } {
  const known = shapes.slice(0, upto + 1);
  const last = known.at(-1)!;
  const all = [...known, ...Array.from({ length: Math.max(0, s.epochs - known.length) }, () => last)];
  const byEpochs = all.reduce((n, e) => n + e.steps, 0);
  const hasBudget = s.budgetSteps != null || s.budgetRollouts != null;
  return { total: hasBudget ? stepsWithinBudget(all, s) : byEpochs, byEpochs };
}

/**
 * The step plan of a run from what is known of its epochs (epoch 0 first; at least one): the plan made at creation,
 * the plan now, and every epoch whose pool moved the total.
 */
export function planRunSteps({ settings, known }: { settings: TPlanSettings; known: readonly TEpochKnown[] }): TStepPlan {
  if (known.length === 0) throw new Error("planRunSteps: at least the first epoch (the seeds) must be known");
  const epochsKnown = known.slice(0, Math.max(1, settings.epochs));
  const shapes = epochsKnown.map((e) => shapeOf(e, settings));
  const changes: TPlanChange[] = [];
  let previous = totalAfter(shapes, 0, settings);
  const initialTotal = previous.total;
  for (let e = 1; e < shapes.length; e++) {
    const now = totalAfter(shapes, e, settings);
    if (now.total !== previous.total) {
      changes.push({
        epoch: e,
        poolBefore: epochsKnown[e - 1]!.poolSize,
        poolAfter: epochsKnown[e]!.poolSize,
        stepsPerEpochBefore: shapes[e - 1]!.steps,
        stepsPerEpochAfter: shapes[e]!.steps,
        totalBefore: previous.total,
        totalAfter: now.total,
      });
    }
    previous = now;
  }
  return {
    initialTotal,
    total: previous.total,
    stepsByEpoch: shapes.map((s) => s.steps),
    changes,
    budgetCap: previous.total < previous.byEpochs ? previous.total : null,
  };
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** "plan changed at epoch 2: pool grew from 40 to 52 tasks → 13 steps per epoch (was 10), 49 steps in total (was 40)" */
export function describePlanChange(c: TPlanChange): string {
  const { poolBefore: a, poolAfter: b } = c;
  const pool = a === null || b === null || a === b ? "" : `pool ${b > a ? "grew" : "shrank"} from ${a} to ${plural(b, "task")} → `;
  return `plan changed at epoch ${c.epoch + 1}: ${pool}${plural(c.stepsPerEpochAfter, "step")} per epoch (was ${c.stepsPerEpochBefore}), ${plural(c.totalAfter, "step")} in total (was ${c.totalBefore})`;
}
