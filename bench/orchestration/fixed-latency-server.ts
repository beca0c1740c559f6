// The benchmarks' stand-in for an inference server, run as its own process (`fork`) so that its CPU and its
// timestamps do not depend on what the benchmark's main process does. Every chat completion is answered after
// exactly L ms (no tool call, so each user turn is one request). Kept lean on purpose: it shares the machine's cores
// with the worker it measures, so the answer is one prepared buffer and the request body is read but never parsed.
// Protocol over IPC: it sends {port} once listening; "take" answers with the spans recorded since the last take
// ([arrived, left] pairs, epoch ms) and its CPU seconds; "close" ends it.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { performance } from "node:perf_hooks";

const latencyMs = Number(process.argv[2] ?? "50");
const now = () => performance.timeOrigin + performance.now();

const completion = Buffer.from(
  JSON.stringify({
    id: "chatcmpl-bench",
    object: "chat.completion",
    created: 1_700_000_000,
    model: "fake",
    choices: [{ index: 0, message: { role: "assistant", content: "Done." }, logprobs: null, finish_reason: "stop" }],
    usage: { prompt_tokens: 100, completion_tokens: 3, total_tokens: 103 },
  }),
);
const models = Buffer.from(JSON.stringify({ object: "list", data: [{ id: "fake", object: "model" }] }));
const headersOf = (body: Buffer) => ({ "content-type": "application/json", "content-length": String(body.length) });
const completionHeaders = headersOf(completion);

let spans: number[] = [];

const server = createServer((req, res) => {
  const arrived = now();
  req.resume();
  if (req.url?.endsWith("/models")) {
    res.writeHead(200, headersOf(models)).end(models);
    return;
  }
  setTimeout(() => {
    res.writeHead(200, completionHeaders).end(completion);
    spans.push(arrived, now());
  }, latencyMs);
});
server.keepAliveTimeout = 60_000;
server.listen(0, "127.0.0.1", () => process.send!({ port: (server.address() as AddressInfo).port }));

process.on("message", (message) => {
  if (message === "take") {
    const usage = process.cpuUsage();
    process.send!({ spans, cpuSeconds: (usage.user + usage.system) / 1e6 });
    spans = [];
  } else if (message === "close") {
    server.closeAllConnections();
    server.close(() => process.exit(0));
  }
});
process.on("disconnect", () => process.exit(0));
