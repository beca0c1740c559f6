// /api/v1/env/sessions: the BFCL environments as a service (open a session on a task, execute calls, next turn,
// finish with the verifier's score). Thin doors over env-session-service.
import { z } from "zod";
import { createEnvSession, executeSessionCalls, finishEnvSession, nextSessionTurn } from "../../services/env-session-service";
import { defineRoute } from "./define-route";

/** Calls' bodies stay small: a real tool call is a few hundred bytes; this leaves room for long file contents. */
export const CALLS_BODY_LIMIT_BYTES = 256 * 1024;

export const ZTaskRef = z.string().min(1).max(200).meta({ description: "a task id, or for the BFCL seeds its BFCL id (multi_turn_base_0)" });

export const ZCallV1 = z
  .strictObject({
    name: z.string().min(1).max(200),
    arguments: z
      .union([z.record(z.string(), z.unknown()), z.string().max(CALLS_BODY_LIMIT_BYTES)])
      .meta({ description: "a JSON object of parameter names to values, or the JSON text a model wrote (text that is not an object comes back as an error result)" }),
  })
  .meta({ id: "ToolCall" });

const ZSessionId = z.strictObject({ sid: z.string().min(1).max(100).meta({ description: "session id" }) });

const ZTool = z.object({ type: z.literal("function"), function: z.object({ name: z.string(), description: z.string(), parameters: z.record(z.string(), z.unknown()) }) });

const ZSessionTurn = z
  .object({
    sessionId: z.string(),
    taskId: z.string().meta({ description: "the task's id (also when it was named by its BFCL id)" }),
    turn: z.int().meta({ description: "the current user turn, 1-based" }),
    turns: z.int().meta({ description: "user turns of the task" }),
    messages: z.array(z.object({ role: z.literal("user"), content: z.string() })).meta({ description: "the turn's user messages" }),
    tools: z.array(ZTool).meta({ description: "OpenAI tool schemas available in this turn (miss_func releases included)" }),
  })
  .meta({ id: "EnvSessionTurn" });

export const ZTurnVerdict = z.object({ stateOk: z.boolean(), execOk: z.boolean(), reason: z.string().optional() });

const ZScore = z
  .object({
    reward: z.number().meta({ description: "progress reward R_P in [0, 1]" }),
    success: z.boolean().meta({ description: "every turn right (BFCL accuracy)" }),
    turns: z.array(ZTurnVerdict),
    stored: z.boolean().optional().meta({ description: "for a sample of a trainer-driven run: stored now (false: stored before)" }),
  })
  .meta({ id: "EnvSessionScore" });

export const envSessionRoutes = [
  defineRoute({
    method: "POST",
    path: "/env/sessions",
    operationId: "createEnvSession",
    tag: "environments",
    summary: "Open an environment session on a task",
    description:
      "Answers the first user turn and its tools. With runId, step and sample the session rolls out that sample of a trainer-driven run (409 when it is not claimed work); finishing it stores the rollout.",
    scope: "trainer",
    body: z
      .strictObject({ taskId: ZTaskRef, runId: z.string().min(1).max(100).optional(), step: z.int().min(0).optional(), sample: z.int().min(0).max(1023).optional() })
      .refine((b) => (b.runId === undefined) === (b.step === undefined) && (b.runId === undefined) === (b.sample === undefined), {
        message: "runId, step and sample go together: give all three (a run's sample) or none",
        path: ["runId"],
      }),
    response: ZSessionTurn,
    status: 201,
    errors: [404, 409],
    handle: async ({ db, user, body }) =>
      createEnvSession({ db, taskId: body.taskId, userId: user?.id, run: body.runId !== undefined ? { runId: body.runId, stepIndex: body.step!, sample: body.sample! } : undefined }),
  }),
  defineRoute({
    method: "POST",
    path: "/env/sessions/{sid}/calls",
    operationId: "executeEnvCalls",
    tag: "environments",
    summary: "Execute tool calls in order in the current turn",
    description: "Each result is exactly the string the BFCL environment returns (as the replay CLI prints it); invalid calls come back as the environment's error results.",
    scope: "trainer",
    params: ZSessionId,
    body: z.strictObject({ calls: z.array(ZCallV1).min(1).max(64) }),
    bodyLimitBytes: CALLS_BODY_LIMIT_BYTES,
    response: z.object({ results: z.array(z.string()) }),
    errors: [404, 409, 410, 413],
    handle: async ({ db, user, params, body }) => executeSessionCalls({ db, sessionId: params.sid, userId: user?.id, calls: body.calls }),
  }),
  defineRoute({
    method: "POST",
    path: "/env/sessions/{sid}/next-turn",
    operationId: "nextEnvTurn",
    tag: "environments",
    summary: "Move to the next user turn",
    description: "Answers its user messages and tools; 409 after the last turn (finish the session then).",
    scope: "trainer",
    params: ZSessionId,
    response: ZSessionTurn,
    errors: [404, 409, 410],
    handle: async ({ db, user, params }) => nextSessionTurn({ db, sessionId: params.sid, userId: user?.id }),
  }),
  defineRoute({
    method: "POST",
    path: "/env/sessions/{sid}/finish",
    operationId: "finishEnvSession",
    tag: "environments",
    summary: "Finish and score the session with RODS's verifier",
    description: "Turns never reached count as failed. Finishing twice answers the same score.",
    scope: "trainer",
    params: ZSessionId,
    response: ZScore,
    errors: [404, 409, 410],
    handle: async ({ db, user, params }) => finishEnvSession({ db, sessionId: params.sid, userId: user?.id }),
  }),
];
