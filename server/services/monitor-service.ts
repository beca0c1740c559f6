// The door to what the run monitor, the runs list and /compare show: one file per chart domain under monitor/
// (see monitor/README.md), re-exported here so routers, /api/v1 routes and benchmarks import one module.
export { diffRunSettings, flattenSettings, settingLabel, summarizeSettings, type SettingDiffRow, type SettingRow } from "./monitor/settings";
export { listRunsOverview, type RunOverview } from "./monitor/runs-overview";
export { getRunHeader, type RunHeader } from "./monitor/run-header";
export { getRunSeries, type StepSeriesRow } from "./monitor/step-series";
export { DEFAULT_BINS, MAX_SCATTER_POINTS, MAX_VARIANCE, type Histogram } from "./monitor/histogram";
export { getStepDistribution, type StepDistribution, type TaskPoint } from "./monitor/step-distribution";
export { getBufferLifecycle, type BufferEpochRow, type BufferLifecycle } from "./monitor/buffer-lifecycle";
export { FUNNEL_STAGES, getSynthesisOverview, type FunnelKey, type SynthesisOverview } from "./monitor/synthesis-overview";
export { getInjectionLanding, type InjectionLanding } from "./monitor/injection-landing";
export { getHeldOutSeries, type HeldOutPoint } from "./monitor/held-out";
export { compareRuns, MAX_COMPARED_RUNS, type RunComparison } from "./monitor/compare";
