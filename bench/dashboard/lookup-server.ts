// The floor for the readers over HTTP: a bare node:http server, in its own process like the web app, answering each
// GET with one indexed lookup (the bench's baseline query: a Step by run and index, through pg) as JSON. What any
// web process must at least spend on one request; http-readers.ts measures it beside the web app's requests.
// Env: DATABASE_URL, LOOKUP_RUN_ID, LOOKUP_STEPS; listens on a free loopback port and prints it on stdout.
import http from "node:http";
import pg from "pg";

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10 });
const runId = process.env.LOOKUP_RUN_ID ?? "";
const steps = Number(process.env.LOOKUP_STEPS ?? 1);
let probe = 0;
const server = http.createServer((req, res) => {
  pool
    .query('SELECT id, "informativeFraction" FROM "Step" WHERE "runId" = $1 AND index = $2', [runId, probe++ % steps])
    .then(({ rows }) => {
      const body = JSON.stringify({ result: { data: rows[0] ?? null } });
      res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
      res.end(body);
    })
    .catch((error: unknown) => {
      res.writeHead(500).end(String(error));
    });
});
server.listen(0, "127.0.0.1", () => {
  const address = server.address();
  console.log(String(typeof address === "object" && address ? address.port : 0));
});
process.on("SIGTERM", () => {
  server.close();
  void pool.end().then(() => process.exit(0));
});
