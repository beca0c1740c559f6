// The simulated learner (DESIGN.md §6): a small parametric agent over BFCL tasks, trained by real GRPO updates.
// It is a testbed for the data loop, not a language model: it knows each task's ground truth and learns only the
// competence to carry it out. Imports server/envs and server/rods only; see README.md for the model.
export { SimulatedLearner } from "./learner";
export { ACTIONS, ZSimulatedBehaviour, type Action, type Decision, type SimulatedBehaviour } from "./behaviour";
export { MISTAKES, MISTAKE_DISTRIBUTION, type Mistake } from "./mistakes";
export { PRIOR, paramKey, ZLearnerParams, type TLearnerParams } from "./params";
export { MISS_FUNC_USER_MESSAGE, type ForcedActions } from "./rollout";
export type { UpdateConfig, UpdateGroup, UpdateStats } from "./update";
