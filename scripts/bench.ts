// `npm run bench [-- --quick]`: runs the speed benchmarks one after the other (each in its own process, each with
// its own database) and prints one table of the ratios they measured in the same run. Figures are ratios against a
// baseline measured alongside (ideal C/L, COPY, one indexed lookup), so a loaded machine shifts them less.
import { spawn } from "node:child_process";
import os from "node:os";
import path from "node:path";
import { projectRoot } from "../server/platform/paths";

const isQuick = process.argv.includes("--quick");
const BENCHES: { name: string; file: string; args: string[] }[] = [
  { name: "orchestration", file: "bench/orchestration/index.ts", args: isQuick ? ["--workers", "1"] : [] },
  { name: "ingest", file: "bench/ingest/index.ts", args: isQuick ? ["--groups", "24", "--rounds", "3"] : [] },
  { name: "dashboard", file: "bench/dashboard/index.ts", args: isQuick ? ["--steps", "50", "--tasks", "200", "--rounds", "10", "--no-rollouts", "--read-seconds", "10"] : ["--http"] },
];

function runBench(file: string, args: string[]): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const child = spawn(path.join(projectRoot, "node_modules", ".bin", "tsx"), [file, ...args, "--json"], { cwd: projectRoot, stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.on("data", (c: Buffer) => (out += c.toString()));
    child.on("exit", (code) => {
      const line = out.trim().split("\n").pop() ?? "";
      try {
        if (code !== 0) throw new Error(`exited with ${code}`);
        resolve(JSON.parse(line) as Record<string, unknown>);
      } catch (e) {
        reject(new Error(`${file}: ${(e as Error).message}`));
      }
    });
  });
}

const table: [string, string, string][] = [];
const add = (bench: string, what: string, value: string) => table.push([bench, what, value]);
const pct = (x: number) => `${(100 * x).toFixed(1)} %`;
let failed = 0;
for (const b of BENCHES) {
  process.stderr.write(`\n=== bench/${b.name} ===\n`);
  try {
    const r = await runBench(b.file, b.args);
    if (b.name === "orchestration") {
      for (const row of r.rows as Record<string, number>[]) {
        add("orchestration", `achieved / ideal, C ${row.concurrency}, ${row.workers} worker${row.workers === 1 ? "" : "s"}`, `${pct(row.achievedOverIdeal)} (${row.achievedPerSecond}/s of ${row.idealPerSecond}/s)`);
        add("orchestration", `  nothing in flight / step boundary, C ${row.concurrency}, ${row.workers}w`, `${row.idleSeconds} s of ${row.seconds} s; stored→finished ${row.medianStoredToStepFinishedMs} ms`);
        add("orchestration", `  worker CPU per request, C ${row.concurrency}, ${row.workers}w`, `${row.workerCpuMsPerRequest} ms (fake server ${row.fakeServerCpuMsPerRequest} ms; load average ${row.loadAverage})`);
      }
      const rows = r.rows as Record<string, number>[];
      for (const c of new Set(rows.map((x) => x.concurrency))) {
        const one = rows.find((x) => x.concurrency === c && x.workers === 1);
        const three = rows.find((x) => x.concurrency === c && x.workers === 3);
        if (one && three) add("orchestration", `3 workers / 1 worker, C ${c}`, `${(three.achievedPerSecond / one.achievedPerSecond).toFixed(2)}×`);
      }
    } else if (b.name === "ingest") {
      for (const row of r.rows as Record<string, number | string>[]) add("ingest", `${row.method}`, `${Number(row.relativeToCopy).toFixed(2)}× COPY (${row.rowsPerSecond} rows/s)`);
    } else {
      add("dashboard", `baseline: one indexed Step lookup (${r.steps} steps × ${r.tasks} tasks × ${r.k})`, `${Number(r.baselineMedianMs).toFixed(2)} ms (Prisma ${Number(r.baselinePrismaMedianMs).toFixed(2)}, raw SQL ${Number(r.baselineRawMedianMs).toFixed(2)})`);
      for (const row of r.rows as Record<string, number | string>[]) if (!String(row.call).startsWith("baseline")) add("dashboard", String(row.call), `${Number(row.ratio).toFixed(1)}× (${Number(row.medianMs).toFixed(1)} ms)`);
      const readerRow = (label: string, f: Record<string, number> | undefined) => {
        if (f) add("dashboard", label.replace("N", String(f.readers)), `${f.p95Ratio.toFixed(1)}× (p95 ${f.p95.toFixed(1)} ms, ${f.calls} calls, ${f.errors} errors)`);
      };
      const reads = r.tableReads as Record<string, number> | undefined;
      if (reads) add("dashboard", "scans of the rows behind the aggregates during the calls", Object.entries(reads).map(([t, n]) => `${t} ${n}`).join(", "));
      readerRow("N readers, monitor open (load + polling): p95 / baseline", r.readers as Record<string, number> | undefined);
      readerRow("N calls at one instant, coalesced: p95 / baseline", r.burst as Record<string, number> | undefined);
      readerRow("N calls at one instant, not coalesced: p95 / baseline", r.burstUncoalesced as Record<string, number> | undefined);
      type Http = { skipped?: string; readers?: Record<string, number>; idleMedianMs?: Record<string, number>; floorMedianMs?: number };
      for (const [via, http] of [["next start", r.httpNextStart], ["the web process without its read cache", r.httpNoCache], ["the web process", r.http], ["the web process, readers signed in", r.httpSignedIn]] as [string, Http | undefined][]) {
        if (http?.skipped) add("dashboard", `readers over HTTP (${via})`, `skipped: ${http.skipped}`);
        if (http?.idleMedianMs) {
          const alone = ["page load", "fast poll", "fast and slow poll"].map((p) => `${Object.entries(http.idleMedianMs!).find(([k]) => k.startsWith(p))?.[1].toFixed(1)} ms`);
          add("dashboard", `over HTTP (${via}), one request alone (median): page load / fast poll / fast and slow poll; the floor`, `${alone.join(" / ")}; ${http.floorMedianMs?.toFixed(2)} ms`);
        }
        readerRow(`N readers over HTTP (${via}, batched as the page sends): p95 / baseline`, http?.readers);
      }
    }
  } catch (error) {
    failed++;
    add(b.name, "FAILED", (error as Error).message);
  }
}

const w1 = Math.max(...table.map((r) => r[0].length));
const w2 = Math.max(...table.map((r) => r[1].length));
console.log(`\n${os.cpus().length} × ${os.cpus()[0]?.model ?? "cpu"}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, load average ${os.loadavg().map((x) => x.toFixed(1)).join(" ")}, node ${process.version}\n`);
console.log(`| ${"bench".padEnd(w1)} | ${"measure".padEnd(w2)} | value |`);
console.log(`|${"-".repeat(w1 + 2)}|${"-".repeat(w2 + 2)}|-------|`);
for (const [a, b, c] of table) console.log(`| ${a.padEnd(w1)} | ${b.padEnd(w2)} | ${c} |`);
process.exit(failed ? 1 : 0);
