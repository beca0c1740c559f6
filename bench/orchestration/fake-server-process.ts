// Starts bench/orchestration/fixed-latency-server.ts as a child process and talks to it over IPC.
import { fork } from "node:child_process";
import path from "node:path";
import { projectRoot } from "../../server/platform/paths";

export interface FixedLatencyServer {
  /** base URL ending in /v1 */
  url: string;
  pid: number;
  /** [arrived, left] per request (epoch ms) since the last take, and the server's CPU seconds so far */
  take(): Promise<{ spans: [number, number][]; cpuSeconds: number }>;
  close(): Promise<void>;
}

export async function startFixedLatencyServer(latencyMs: number): Promise<FixedLatencyServer> {
  const child = fork(path.join(projectRoot, "bench/orchestration/fixed-latency-server.ts"), [String(latencyMs)], {
    execArgv: ["--import", "tsx"],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.once("message", (m) => resolve((m as { port: number }).port));
    child.once("exit", (code) => reject(new Error(`the fake inference server exited with ${code} before listening`)));
  });
  return {
    url: `http://127.0.0.1:${port}/v1`,
    pid: child.pid!,
    take: () =>
      new Promise((resolve) => {
        child.once("message", (m) => {
          const { spans, cpuSeconds } = m as { spans: number[]; cpuSeconds: number };
          const pairs: [number, number][] = [];
          for (let i = 0; i < spans.length; i += 2) pairs.push([spans[i]!, spans[i + 1]!]);
          resolve({ spans: pairs, cpuSeconds });
        });
        child.send("take");
      }),
    close: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.send("close");
      }),
  };
}
