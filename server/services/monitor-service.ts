// The door to what the run monitor, the runs list and /compare show: one file per chart domain under monitor/
// (see monitor/README.md), re-exported here so routers, /api/v1 routes and benchmarks import one module. The reads
// are coalesced: identical calls in flight at once share one query (monitor/coalesce.ts).
import { compareRuns as compareRunsRead } from "./monitor/compare";
import { coalesced } from "./monitor/coalesce";
import { getBufferLifecycle as getBufferLifecycleRead } from "./monitor/buffer-lifecycle";
import { getHeldOutSeries as getHeldOutSeriesRead } from "./monitor/held-out";
import { getInjectionLanding as getInjectionLandingRead } from "./monitor/injection-landing";
import { getRunHeader as getRunHeaderRead } from "./monitor/run-header";
import { listRunsOverview as listRunsOverviewRead } from "./monitor/runs-overview";
import { getStepDistribution as getStepDistributionRead } from "./monitor/step-distribution";
import { getRunSeries as getRunSeriesRead } from "./monitor/step-series";
import { getSynthesisOverview as getSynthesisOverviewRead } from "./monitor/synthesis-overview";
import { getRunCosts as getRunCostsRead } from "./cost-service";
import { getReviewGate as getReviewGateRead } from "./review-gate";
import { listRunEvents as listRunEventsRead } from "./run-events-service";
import { getRunStepPlan as getRunStepPlanRead } from "./step-plan-service";
import { getTrainerMetricsSeries as getTrainerMetricsSeriesRead } from "./trainer-service";

export { diffRunSettings, flattenSettings, settingLabel, summarizeSettings, type SettingDiffRow, type SettingRow } from "./monitor/settings";
export { type RunOverview } from "./monitor/runs-overview";
export { type RunHeader } from "./monitor/run-header";
export { type StepSeriesRow } from "./monitor/step-series";
export { DEFAULT_BINS, MAX_SCATTER_POINTS, MAX_VARIANCE, type Histogram } from "./monitor/histogram";
export { type StepDistribution, type TaskPoint } from "./monitor/step-distribution";
export { type BufferEpochRow, type BufferLifecycle } from "./monitor/buffer-lifecycle";
export { FUNNEL_STAGES, type FunnelKey, type SynthesisOverview } from "./monitor/synthesis-overview";
export { type InjectionLanding } from "./monitor/injection-landing";
export { type HeldOutPoint } from "./monitor/held-out";
export { MAX_COMPARED_RUNS, type RunComparison } from "./monitor/compare";

export const listRunsOverview = coalesced("runs.list", listRunsOverviewRead);
export const getRunHeader = coalesced("runs.get", getRunHeaderRead);
export const getRunSeries = coalesced("runs.series", getRunSeriesRead);
export const getStepDistribution = coalesced("runs.distribution", getStepDistributionRead);
export const getBufferLifecycle = coalesced("runs.buffer", getBufferLifecycleRead);
export const getSynthesisOverview = coalesced("runs.synthesis", getSynthesisOverviewRead);
export const getInjectionLanding = coalesced("runs.landing", getInjectionLandingRead);
export const getHeldOutSeries = coalesced("runs.heldOut", getHeldOutSeriesRead);
export const compareRuns = coalesced("runs.compare", compareRunsRead);
// The live monitor polls these too (step plan and review gate every 2.5 s, the rest every 10 s): coalesced alike.
export const getRunStepPlan = coalesced("runs.stepPlan", getRunStepPlanRead);
export const getReviewGate = coalesced("review.gate", getReviewGateRead);
export const listRunEvents = coalesced("runs.events", listRunEventsRead);
export const getRunCosts = coalesced("runs.costs", getRunCostsRead);
export const getTrainerMetricsSeries = coalesced("runs.trainerMetrics", getTrainerMetricsSeriesRead);
