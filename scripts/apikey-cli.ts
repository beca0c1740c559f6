// `npm run rods -- apikey create --user EMAIL --scopes LIST|all --name NAME`: an API key without a browser
// (for trainers and CI). Prints the key once; only its hash is stored.
import { parseArgs } from "node:util";
import { disconnectDb, getDb } from "../server/db";
import { parseEnv } from "../server/env";
import { AppError } from "../server/errors";
import { provideDatabase } from "../server/platform/database";
import { readRuntimeInfo } from "../server/platform/runtime-file";
import { API_SCOPES, createApiKeyForEmail } from "../server/services/auth-service";

export const APIKEY_USAGE = `usage: npm run rods -- apikey create --user EMAIL --scopes LIST --name NAME

  Creates an API key for the user with this email and prints it once.
  --scopes   comma-separated, or "all":
${Object.entries(API_SCOPES).map(([scope, text]) => `             ${scope.padEnd(12)} ${text}`).join("\n")}`;

/** `args` are the words after "apikey". Returns the process exit code. */
export async function apiKeyCommand(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === "--help" || sub === "help" || sub === undefined) {
    console.log(APIKEY_USAGE);
    return sub === undefined ? 2 : 0;
  }
  if (sub !== "create") {
    console.error(`unknown apikey command "${sub}".\n\n${APIKEY_USAGE}`);
    return 2;
  }
  let values: { user?: string; scopes?: string; name?: string };
  try {
    ({ values } = parseArgs({ args: rest, strict: true, options: { user: { type: "string" }, scopes: { type: "string" }, name: { type: "string" } } }));
  } catch (error) {
    console.error(`${error instanceof Error ? error.message : String(error)}\n\n${APIKEY_USAGE}`);
    return 2;
  }
  if (!values.user || !values.scopes || !values.name) {
    console.error(`apikey create needs --user, --scopes and --name.\n\n${APIKEY_USAGE}`);
    return 2;
  }
  const scopes = values.scopes.split(",").map((s) => s.trim()).filter(Boolean);
  const env = parseEnv();
  const running = env.DATABASE_URL ? undefined : readRuntimeInfo(env.RODS_HOME);
  const database = await provideDatabase({ databaseUrl: env.DATABASE_URL ?? running?.databaseUrl, home: env.RODS_HOME, log: (m) => console.error(`[rods] ${m}`) });
  process.env.DATABASE_URL = database.url;
  try {
    const { key, apiKey } = await createApiKeyForEmail({ db: getDb(), email: values.user, name: values.name, scopes });
    console.error(`created API key "${apiKey.name}" (${apiKey.scopes.join(", ")}) for ${values.user}; it is shown once:`);
    console.log(key);
    return 0;
  } catch (error) {
    if (error instanceof AppError) {
      console.error(error.message);
      return 1;
    }
    throw error;
  } finally {
    await disconnectDb();
    await database.stop();
  }
}
