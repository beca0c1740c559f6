// Every /api/v1 route, in one list: the dispatcher serves these and the OpenAPI document describes these, so the
// two cannot disagree. Add a domain's routes as one more spread.
import type { V1Route } from "./define-route";
import { costRoutes } from "./costs";
import { envSessionRoutes } from "./env-sessions";
import { exportRoutes } from "./exports";
import { runRoutes } from "./runs";
import { taskRoutes } from "./tasks";
import { trainerRoutes } from "./trainer";
import { trainerDrivenRoutes } from "./trainer-driven";

export const V1_ROUTES: V1Route[] = [...runRoutes, ...trainerRoutes, ...taskRoutes, ...envSessionRoutes, ...trainerDrivenRoutes, ...exportRoutes, ...costRoutes];
