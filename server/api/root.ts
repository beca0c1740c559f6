// The one router registry.
import { authRouter } from "./routers/auth";
import { experimentsRouter } from "./routers/experiments";
import { lineageRouter } from "./routers/lineage";
import { reviewRouter } from "./routers/review";
import { runsRouter } from "./routers/runs";
import { studiesRouter } from "./routers/studies";
import { tasksRouter } from "./routers/tasks";
import { createCallerFactory, createTRPCRouter } from "./trpc";

export const appRouter = createTRPCRouter({
  tasks: tasksRouter,
  auth: authRouter,
  review: reviewRouter,
  lineage: lineageRouter,
  experiments: experimentsRouter,
  runs: runsRouter,
  studies: studiesRouter,
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
