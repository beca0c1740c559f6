// The one router registry.
import { authRouter } from "./routers/auth";
import { tasksRouter } from "./routers/tasks";
import { createCallerFactory, createTRPCRouter } from "./trpc";

export const appRouter = createTRPCRouter({
  tasks: tasksRouter,
  auth: authRouter,
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
