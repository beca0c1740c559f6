// The simulated learner as an external trainer process, over HTTP only: it serves its current parameters as an
// OpenAI-compatible endpoint on 127.0.0.1 (so RODS's rollouts go through the real openai policy path), long-polls
// RODS's batches, applies its GRPO update, saves its state, and acknowledges with the new policy version.
//
// The served learner recognises a task from the conversation: the first user message, and among tasks that share it
// (base/long_context twins, miss_func variants) the one whose rollout or evaluation seed RODS sent (hashSeed of the
// run seed, step, task and sample, as RODS derives it). It decides a whole rollout at the first request (it does not
// read tool results) and answers each request with the next assistant message of that plan.
// State (parameters, version, trained steps) is written atomically after each update, before the ack, so a trainer
// killed at any point and restarted with the same --state trains no step twice and loses none.
import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { SimulatedLearner, type SimulatedBehaviour, type TLearnerParams } from "../../server/policies/simulated";
import type { ChatMessage, RolloutTask } from "../../server/policies/types";
import { hashSeed } from "../../server/rods/random";

type Json = Record<string, any>;
type ApiTask = RolloutTask & { externalId: string; split: string; parentId?: string | null };

export interface TrainerOptions {
  url: string;
  key: string;
  runId?: string;
  /** run settings to create a run with (its policy is pointed at this trainer's endpoint) */
  create?: Json;
  port: number;
  statePath: string;
  learningRate: number;
  clip: number;
  klCoef: number;
  updateEpochs: number;
  /** stop after training this many steps (tests of a restart) */
  maxSteps?: number;
  log: (line: Json) => void;
}

interface State {
  runId: string;
  version: number;
  params: TLearnerParams;
  /** parameters of recent versions: rollouts made ahead (maxPolicyLag > 0) are re-planned with their own version */
  history: Record<string, TLearnerParams>;
  trainedSteps: number[];
}

class Api {
  constructor(
    private readonly url: string,
    private readonly key: string,
  ) {}

  async call(method: string, path: string, body?: unknown): Promise<{ status: number; json: Json | null }> {
    for (let attempt = 0; ; attempt++) {
      try {
        const res = await fetch(`${this.url.replace(/\/$/, "")}/api/v1${path}`, {
          method,
          headers: { Authorization: `Bearer ${this.key}`, ...(body === undefined ? {} : { "Content-Type": "application/json" }) },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
        const text = await res.text();
        const json = text ? (JSON.parse(text) as Json) : null;
        if ((res.status === 429 || res.status === 503) && attempt < 5) {
          await new Promise((r) => setTimeout(r, 500 * 2 ** attempt));
          continue;
        }
        if (res.status >= 400) throw new Error(`${method} ${path}: ${res.status} ${json?.error?.code}: ${json?.error?.message}`);
        return { status: res.status, json };
      } catch (error) {
        if (error instanceof TypeError && attempt < 5) {
          await new Promise((r) => setTimeout(r, 500 * 2 ** attempt)); // connection refused/reset: RODS restarting
          continue;
        }
        throw error;
      }
    }
  }
}

async function loadTasks(api: Api, datasetName: string): Promise<ApiTask[]> {
  const tasks: ApiTask[] = [];
  let cursor: string | null = null;
  do {
    const query = new URLSearchParams({ dataset: datasetName, limit: "200", ...(cursor ? { cursor } : {}) });
    const page = (await api.call("GET", `/tasks?${query}`)).json!;
    tasks.push(...(page.tasks as ApiTask[]));
    cursor = page.nextCursor as string | null;
  } while (cursor);
  return tasks;
}

function readState(path: string): State | null {
  return existsSync(path) ? (JSON.parse(readFileSync(path, "utf8")) as State) : null;
}

function writeState(path: string, state: State) {
  writeFileSync(`${path}.tmp`, JSON.stringify(state));
  renameSync(`${path}.tmp`, path);
}

const firstUserText = (messages: { role: string; content?: unknown }[]) => String(messages.find((m) => m.role === "user")?.content ?? "");

export async function runSimulatedTrainer(options: TrainerOptions): Promise<{ trainedSteps: number[]; version: number }> {
  const api = new Api(options.url, options.key);
  let state = readState(options.statePath);
  let learner: SimulatedLearner | undefined;
  let runConfig: Json | undefined;
  let tasks: ApiTask[] = [];
  const byId = new Map<string, ApiTask>();
  const byText = new Map<string, ApiTask[]>();
  /** seed → what it identifies, and the plan served for it (the behaviour that produced the rollout) */
  const plans = new Map<number, { task: ApiTask; isEval: boolean; messages: ChatMessage[]; behaviour: SimulatedBehaviour }>();
  let totalSteps = 0;

  function identify(messages: { role: string; content?: unknown }[], seed: number): { task: ApiTask; isEval: boolean } | null {
    const candidates = byText.get(firstUserText(messages)) ?? [];
    const runSeed = runConfig!.seed as number;
    for (const task of candidates) {
      for (let step = 0; step <= totalSteps; step++) {
        if (hashSeed(runSeed, "eval", step, task.id) === seed) return { task, isEval: true };
        for (let sample = 0; sample < (runConfig!.k as number); sample++) if (hashSeed(runSeed, "rollout", step, task.id, sample) === seed) return { task, isEval: false };
      }
    }
    return candidates[0] ? { task: candidates[0], isEval: false } : null;
  }

  let datasetName = "";
  let refreshing: Promise<boolean> | null = null;
  let lastRefresh = 0;
  function indexTasks(list: ApiTask[]) {
    tasks = list;
    byId.clear();
    byText.clear();
    for (const t of tasks) {
      byId.set(t.id, t);
      const key = firstUserText(t.turns.flat());
      byText.set(key, [...(byText.get(key) ?? []), t]);
    }
    // A synthesized task's difficulty inherits along its lineage, as in RODS's own learner.
    for (const t of tasks) if (t.parentId) t.parent = byId.get(t.parentId);
  }
  /** Reads the dataset again (one read at a time, at most every 2 s); true when it found tasks it did not know. */
  function refreshTasks(): Promise<boolean> {
    if (refreshing) return refreshing;
    if (Date.now() - lastRefresh < 2_000) return Promise.resolve(false);
    refreshing = loadTasks(api, datasetName)
      .then((list) => {
        const isNew = list.length > tasks.length;
        if (isNew) indexTasks(list);
        return isNew;
      })
      .finally(() => {
        lastRefresh = Date.now();
        refreshing = null;
      });
    return refreshing;
  }

  // ---- the OpenAI-compatible endpoint ----
  async function handle(req: IncomingMessage, res: ServerResponse) {
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { "Content-Type": "application/json" });
      res.end(JSON.stringify(body));
    };
    if (req.method === "GET" && req.url === "/v1/models") return send(200, { object: "list", data: [{ id: "simulated-learner", object: "model" }] });
    if (req.method !== "POST" || req.url !== "/v1/chat/completions") return send(404, { error: { message: "not found" } });
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as Json;
    if (!learner || !runConfig) return send(503, { error: { message: "the trainer is starting" } });
    const messages = body.messages as { role: string; content?: unknown }[];
    const seed = Number(body.seed);
    let plan = plans.get(seed);
    if (!plan) {
      // Tasks synthesized after the trainer started are unknown to it until the dataset is read again.
      const found = identify(messages, seed) ?? ((await refreshTasks()) ? identify(messages, seed) : null);
      if (!found) return send(400, { error: { message: "unknown task: the served learner knows only the tasks of the run's dataset" } });
      const result = learner.rolloutSync(found.task, { sample: 0, seed, isGreedy: found.isEval });
      plan = { ...found, messages: result.messages, behaviour: result.behaviour as SimulatedBehaviour };
      plans.set(seed, plan);
    }
    const planned = plan.messages.filter((m) => m.role === "assistant");
    const n = messages.filter((m) => m.role === "assistant").length;
    const next = planned[n] ?? { role: "assistant" as const, content: "I am unable to continue with this task." };
    const toolCalls = next.role === "assistant" ? next.tool_calls : undefined;
    send(200, {
      id: `chatcmpl-${seed}-${n}`,
      object: "chat.completion",
      created: Math.floor(Date.now() / 1000),
      model: "simulated-learner",
      choices: [{ index: 0, finish_reason: toolCalls?.length ? "tool_calls" : "stop", message: { role: "assistant", content: next.role === "assistant" ? next.content : null, ...(toolCalls?.length ? { tool_calls: toolCalls } : {}) } }],
      usage: { prompt_tokens: JSON.stringify(messages).length >> 2, completion_tokens: JSON.stringify(next).length >> 2, total_tokens: 0 },
    });
  }
  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      console.error("[trainer]", error);
      if (!res.headersSent) res.writeHead(500).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(options.port, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : options.port;
  const baseUrl = `http://127.0.0.1:${port}/v1`;
  options.log({ serving: baseUrl });

  try {
    // ---- the run ----
    let runId = options.runId ?? state?.runId;
    let run: Json;
    if (!runId) {
      if (!options.create) throw new Error("give --run <id>, or --create '<run settings JSON>'");
      // The run's rollouts go to this endpoint; created before serving would lose the first evaluation's requests.
      const config = { ...options.create, trainer: "external", policy: { kind: "openai", baseUrl, model: "simulated-learner", concurrency: 16, maxRetries: 6, timeoutMs: 30_000 } };
      run = (await api.call("POST", "/runs", { name: options.create.name ?? "simulated external trainer", config: { ...config, name: undefined } })).json!;
      runId = run.id as string;
      options.log({ created: runId });
    } else {
      run = (await api.call("GET", `/runs/${runId}`)).json!;
    }
    if (state && state.runId !== runId) throw new Error(`the state file ${options.statePath} belongs to run ${state.runId}, not ${runId}`);
    runConfig = run.config as Json;
    totalSteps = (run.totalSteps as number | null) ?? 1000;
    datasetName = run.datasetName as string;
    indexTasks(await loadTasks(api, datasetName));
    if (!state) {
      const initial = SimulatedLearner.create({ seed: runConfig.seed as number }).toJSON();
      state = { runId, version: run.policyVersion as number, params: initial, history: { [String(run.policyVersion)]: initial }, trainedSteps: [] };
      writeState(options.statePath, state);
    }
    learner = SimulatedLearner.fromJSON(state.params);
    options.log({ resumed: state.trainedSteps.length, version: state.version });

    // ---- the training loop ----
    let trainedNow = 0;
    for (;;) {
      const next = await api.call("GET", `/runs/${runId}/batches/next?waitSeconds=20`);
      if (next.status === 204) {
        const status = (await api.call("GET", `/runs/${runId}`)).json!.status as string;
        if (["completed", "cancelled", "failed"].includes(status)) break;
        continue;
      }
      const batch = next.json!;
      const step = batch.step as number;
      if (state.trainedSteps.includes(step)) {
        // Trained before a crash, acknowledged or not: send the ack again (idempotent), never train twice.
        await api.call("POST", `/runs/${runId}/batches/${step}/ack`, { policyVersion: state.version });
        options.log({ reacked: step, version: state.version });
        continue;
      }
      const groups = (batch.groups as Json[]).map((g) => {
        const task = byId.get(g.taskId as string)!;
        return {
          rollouts: (g.rollouts as Json[])
            .filter((r) => r.infraError === null)
            .map((r) => {
              const seed = hashSeed(runConfig!.seed as number, "rollout", step, task.id, r.sample as number);
              // The behaviour that produced the rollout: the served plan, or re-planned with that version's parameters.
              const served = plans.get(seed)?.behaviour;
              const params = state!.history[String(r.policyVersion)] ?? state!.params;
              const behaviour = served ?? SimulatedLearner.fromJSON(params).rolloutSync(task, { sample: r.sample as number, seed }).behaviour;
              return { behaviour, reward: r.reward as number };
            }),
        };
      });
      const stats = learner.update({ groups, config: { learningRate: options.learningRate, clip: options.clip, klCoef: options.klCoef, updateEpochs: options.updateEpochs } });
      const version: number = state.version + 1;
      const params = learner.toJSON();
      const keep = (runConfig.maxPolicyLag as number) + 2;
      const history: Record<string, TLearnerParams> = Object.fromEntries(Object.entries({ ...state.history, [String(version)]: params }).filter(([v]) => Number(v) > version - keep));
      state = { ...state, version, params, history, trainedSteps: [...state.trainedSteps, step] };
      writeState(options.statePath, state); // before the ack: a crash after this re-acks, never re-trains
      for (const seed of [...plans.keys()]) if (plans.get(seed)!.isEval) plans.delete(seed); // evaluations re-plan with the new version
      const metrics = { meanAbsAdvantage: stats.meanAbsAdvantage, klToInit: stats.klToInit, clippedFraction: stats.clippedFraction, zeroVarianceGroups: stats.zeroVarianceGroups, lr: options.learningRate };
      await api.call("POST", `/runs/${runId}/batches/${step}/ack`, { policyVersion: version, metrics });
      options.log({ trained: step, version, ...metrics });
      trainedNow++;
      if (options.maxSteps !== undefined && trainedNow >= options.maxSteps) break;
    }
    return { trainedSteps: state.trainedSteps, version: state.version };
  } finally {
    server.close();
    server.closeAllConnections();
  }
}
