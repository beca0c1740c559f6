// `npm run rods -- user create --email E --name N [--password P] [--admin]`: accounts from the command line
// (the first real user on embedded defaults). Wired into scripts/rods.ts as `case "user": return userCommand(rest)`.
import { randomBytes } from "node:crypto";
import { parseArgs } from "node:util";
import { disconnectDb, getDb } from "../server/db";
import { parseEnv } from "../server/env";
import { AppError } from "../server/errors";
import { provideDatabase } from "../server/platform/database";
import { readRuntimeInfo } from "../server/platform/runtime-file";
import { createUser } from "../server/services/auth-service";

export const USER_USAGE = `usage: npm run rods -- user create --email EMAIL --name NAME [--password PASSWORD] [--admin]

  Creates a user who can sign in to the web app. Without --password a random one is generated and printed once.
  --admin makes the user an admin; --viewer makes a read-only user (default: member, who may launch runs).`;

/** `args` are the words after "user". Returns the process exit code. */
export async function userCommand(args: string[]): Promise<number> {
  const [sub, ...rest] = args[0] === "user" ? args.slice(1) : args;
  if (sub === "--help" || sub === "help" || sub === undefined) {
    console.log(USER_USAGE);
    return sub === undefined ? 2 : 0;
  }
  if (sub !== "create") {
    console.error(`unknown user command "${sub}".\n\n${USER_USAGE}`);
    return 2;
  }
  let values: { email?: string; name?: string; password?: string; admin?: boolean; viewer?: boolean };
  try {
    ({ values } = parseArgs({
      args: rest,
      strict: true,
      options: { email: { type: "string" }, name: { type: "string" }, password: { type: "string" }, admin: { type: "boolean", default: false }, viewer: { type: "boolean", default: false } },
    }));
  } catch (error) {
    console.error(`${error instanceof Error ? error.message : String(error)}\n\n${USER_USAGE}`);
    return 2;
  }
  if (!values.email || !values.name) {
    console.error(`user create needs --email and --name.\n\n${USER_USAGE}`);
    return 2;
  }
  const password = values.password ?? randomBytes(12).toString("base64url");

  // The database a running `npm start` owns, DATABASE_URL, or an embedded one of its own (as other commands).
  const env = parseEnv();
  const running = env.DATABASE_URL ? undefined : readRuntimeInfo(env.RODS_HOME);
  const database = await provideDatabase({ databaseUrl: env.DATABASE_URL ?? running?.databaseUrl, home: env.RODS_HOME, log: (m) => console.error(`[rods] ${m}`) });
  process.env.DATABASE_URL = database.url;
  try {
    const user = await createUser({ db: getDb(), email: values.email, name: values.name, password, role: values.admin ? "admin" : values.viewer ? "viewer" : "member" });
    console.log(`created ${user.role} ${user.email} (${user.name})`);
    if (!values.password) console.log(`password: ${password}  (shown once)`);
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
