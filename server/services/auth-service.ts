// Users, password sign-in, sessions and API keys. Secrets are stored only as hashes: passwords with salted scrypt
// (parameters kept in the hash string), session tokens and API keys (high-entropy random) as sha256.
import { createHash, randomBytes, scrypt as scryptCallback, timingSafeEqual, type ScryptOptions } from "node:crypto";
import { z } from "zod";
import type { Db } from "../db";
import { AppError } from "../errors";
import { Prisma } from "../generated/prisma/client";

/**
 * The scopes an API key can carry. A `:write` scope includes the matching `:read`.
 * - runs:read     list runs, read their steps, statistics, rollouts and evaluations
 * - runs:write    create, pause, resume and cancel runs
 * - tasks:read    list and read tasks, datasets and synthesis attempts
 * - tasks:write   import tasks, review (approve, reject, edit) synthesized tasks
 * - trainer       the trainer protocol: fetch task batches, report rollouts and rewards for a run
 */
export const API_SCOPES = {
  "runs:read": "Read runs, steps, statistics, rollouts and evaluations, download exports, scrape /metrics",
  "runs:write": "Create, pause, resume and cancel runs (includes runs:read)",
  "tasks:read": "Read tasks, datasets and synthesis attempts",
  "tasks:write": "Import tasks and review synthesized ones (includes tasks:read)",
  trainer: "Trainer protocol: fetch task batches and report rollouts and rewards",
} as const;
export type ApiScope = keyof typeof API_SCOPES;
export const API_SCOPE_NAMES = Object.keys(API_SCOPES) as [ApiScope, ...ApiScope[]];
export const ZApiScope = z.enum(API_SCOPE_NAMES);

export const SESSION_TTL_MS = 14 * 24 * 3600 * 1000;
export const DEFAULT_ADMIN_EMAIL = "admin@rods.local";
const WRONG_CREDENTIALS = "Email or password is wrong.";

export const ZEmail = z.string().trim().toLowerCase().pipe(z.email("Enter a valid email address.").max(254));
export const ZPassword = z.string().min(8, "Use a password of at least 8 characters.").max(200, "Use a password of at most 200 characters.");
export const ZUserName = z.string().trim().min(1, "Enter a name.").max(100, "Use a name of at most 100 characters.");
export const ZApiKeyName = z.string().trim().min(1, "Name the key (for example, the trainer it is for).").max(100);

export const userSelect = { id: true, email: true, name: true, role: true, createdAt: true } satisfies Prisma.UserSelect;
export type TUser = Prisma.UserGetPayload<{ select: typeof userSelect }>;

export const apiKeySelect = {
  id: true,
  name: true,
  prefix: true,
  scopes: true,
  createdAt: true,
  lastUsedAt: true,
  revokedAt: true,
  expiresAt: true,
} satisfies Prisma.ApiKeySelect;

// ---------- hashing ----------

// N=2^15 takes ~50-100 ms per hash: slow for guessing, fine for sign-in. Stored with the hash so it can change.
const SCRYPT = { N: 32768, r: 8, p: 1, keyLength: 64, saltBytes: 16 };

function scrypt(password: string, salt: Buffer, keyLength: number, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scryptCallback(password, salt, keyLength, { ...options, maxmem: 256 * options.N! * options.r! }, (error, key) =>
      error ? reject(error) : resolve(key),
    ),
  );
}

/** `scrypt$N$r$p$salt$hash` (base64url): salted, self-describing. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SCRYPT.saltBytes);
  const hash = await scrypt(password, salt, SCRYPT.keyLength, { N: SCRYPT.N, r: SCRYPT.r, p: SCRYPT.p });
  return ["scrypt", SCRYPT.N, SCRYPT.r, SCRYPT.p, salt.toString("base64url"), hash.toString("base64url")].join("$");
}

export async function verifyPassword({ password, hash }: { password: string; hash: string }): Promise<boolean> {
  const parts = hash.split("$");
  if (parts.length !== 6 || parts[0] !== "scrypt") return false;
  const [N, r, p] = parts.slice(1, 4).map(Number);
  if (![N, r, p].every((n) => Number.isInteger(n) && n > 0)) return false;
  const salt = Buffer.from(parts[4], "base64url");
  const expected = Buffer.from(parts[5], "base64url");
  const actual = await scrypt(password, salt, expected.length, { N, r, p });
  return timingSafeEqual(actual, expected);
}

const sha256 = (value: string) => createHash("sha256").update(value).digest("hex");

// scrypt runs on libuv's 4 threads: at most 2 at once leaves the others (and the event loop) to every other
// request; a sign-in flood waits in a short queue and past it is answered 503 instead of starving the server.
const MAX_CONCURRENT_HASHES = 2;
const MAX_WAITING_HASHES = 64;
let activeHashes = 0;
const hashWaiters: Array<() => void> = [];

async function withHashSlot<T>(work: () => Promise<T>): Promise<T> {
  if (activeHashes >= MAX_CONCURRENT_HASHES) {
    if (hashWaiters.length >= MAX_WAITING_HASHES) throw new AppError("SERVICE_UNAVAILABLE", "Too many sign-ins at once; try again in a few seconds.");
    await new Promise<void>((resolve) => hashWaiters.push(resolve));
  } else activeHashes++;
  try {
    return await work();
  } finally {
    const nextWaiter = hashWaiters.shift();
    if (nextWaiter) nextWaiter();
    else activeHashes--;
  }
}

// Compared against when the email is unknown, so both failures cost one scrypt and look alike.
let dummyHash: Promise<string> | undefined;

// ---------- users ----------

export async function createUser({
  db,
  email,
  name,
  password,
  role = "member",
}: {
  db: Db;
  email: string;
  name: string;
  password: string;
  role?: "admin" | "member" | "viewer";
}): Promise<TUser> {
  const input = parseOrThrow(z.object({ email: ZEmail, name: ZUserName, password: ZPassword }), { email, name, password });
  const passwordHash = await hashPassword(input.password);
  try {
    return await db.user.create({ data: { email: input.email, name: input.name, passwordHash, role }, select: userSelect });
  } catch (error) {
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") {
      throw new AppError("CONFLICT", `A user with the email ${input.email} exists already; sign in, or pick another email.`);
    }
    throw error;
  }
}

/** Creates the admin, or makes an existing account with this email an admin with this password. */
export async function ensureAdmin({ db, email, password, name = "Admin" }: { db: Db; email: string; password: string; name?: string }) {
  const input = parseOrThrow(z.object({ email: ZEmail, password: ZPassword }), { email, password });
  const existing = await db.user.findUnique({ where: { email: input.email }, select: { id: true } });
  if (!existing) return { user: await createUser({ db, email: input.email, name, password: input.password, role: "admin" }), isCreated: true };
  const user = await db.user.update({
    where: { id: existing.id },
    data: { role: "admin", passwordHash: await hashPassword(input.password) },
    select: userSelect,
  });
  return { user, isCreated: false };
}

/**
 * First start: when there is no user at all, creates admin@rods.local. Its password is `adminPassword`
 * (RODS_ADMIN_PASSWORD, so tests and CI can sign in), else a random one printed once through `log`.
 */
export async function bootstrapAdminIfNone({
  db,
  log,
  adminPassword = process.env.RODS_ADMIN_PASSWORD,
}: {
  db: Db;
  log: (message: string) => void;
  adminPassword?: string;
}): Promise<{ isCreated: boolean }> {
  if ((await db.user.count()) > 0) return { isCreated: false };
  const given = adminPassword ? parseOrThrow(ZPassword, adminPassword, "RODS_ADMIN_PASSWORD: ") : undefined;
  const password = given ?? randomBytes(12).toString("base64url");
  try {
    await createUser({ db, email: DEFAULT_ADMIN_EMAIL, name: "Admin", password, role: "admin" });
  } catch (error) {
    // Web and launcher may race on a fresh database; the other one created it.
    if (error instanceof AppError && error.code === "CONFLICT") return { isCreated: false };
    throw error;
  }
  log(
    given
      ? `created the admin ${DEFAULT_ADMIN_EMAIL} with the password from RODS_ADMIN_PASSWORD`
      : `created the admin ${DEFAULT_ADMIN_EMAIL} with the password ${password} (shown once; create your own user with \`npm run rods -- user create\`)`,
  );
  return { isCreated: true };
}

// ---------- sessions ----------

export async function signIn({ db, email, password, now = new Date() }: { db: Db; email: string; password: string; now?: Date }) {
  const parsedEmail = ZEmail.safeParse(email);
  if (!parsedEmail.success || typeof password !== "string" || password.length === 0 || password.length > 200) {
    throw new AppError("UNAUTHORIZED", WRONG_CREDENTIALS);
  }
  const found = await db.user.findUnique({ where: { email: parsedEmail.data }, select: { ...userSelect, passwordHash: true } });
  dummyHash ??= hashPassword(randomBytes(16).toString("hex"));
  const isValid = await withHashSlot(async () => verifyPassword({ password, hash: found?.passwordHash ?? (await dummyHash!) }));
  if (!found || !isValid) throw new AppError("UNAUTHORIZED", WRONG_CREDENTIALS);
  const { passwordHash: _omitted, ...user } = found;
  const token = randomBytes(32).toString("base64url");
  const expiresAt = new Date(now.getTime() + SESSION_TTL_MS);
  await db.session.create({ data: { tokenHash: sha256(token), userId: user.id, expiresAt } });
  return { token, expiresAt, user };
}

/** The stored hash of a session token, or null for a token no session can have (none, or absurdly long). */
const sessionTokenHash = (token: string | undefined | null) => (token && token.length <= 200 ? sha256(token) : null);

/**
 * When a current session ends (its expiry), or null for an unknown or expired token: one indexed lookup without the
 * user (a session's user exists while it does: deleting a user deletes its sessions). For checks that need no user,
 * such as whether a reader may be served the web process's kept answers.
 */
export async function sessionExpiry({ db, token, now = new Date() }: { db: Db; token: string | undefined | null; now?: Date }): Promise<Date | null> {
  const tokenHash = sessionTokenHash(token);
  if (!tokenHash) return null;
  const session = await db.session.findUnique({ where: { tokenHash }, select: { expiresAt: true } });
  return session && session.expiresAt > now ? session.expiresAt : null;
}

/** The user a session token belongs to, or null when it is unknown or expired (expired ones are deleted). */
export async function sessionUser({ db, token, now = new Date() }: { db: Db; token: string | undefined | null; now?: Date }): Promise<TUser | null> {
  const tokenHash = sessionTokenHash(token);
  if (!tokenHash) return null;
  const session = await db.session.findUnique({ where: { tokenHash }, select: { id: true, expiresAt: true, user: { select: userSelect } } });
  if (!session) return null;
  if (session.expiresAt <= now) {
    await db.session.deleteMany({ where: { id: session.id } });
    return null;
  }
  return session.user;
}

export async function signOut({ db, token }: { db: Db; token: string | undefined | null }): Promise<void> {
  if (!token) return;
  await db.session.deleteMany({ where: { tokenHash: sha256(token) } });
}

// ---------- API keys ----------

const API_KEY_PATTERN = /^rods_([0-9a-f]{8})_([A-Za-z0-9_-]{43})$/;

export async function createApiKey({
  db,
  userId,
  name,
  scopes,
  expiresInDays,
  now = new Date(),
}: {
  db: Db;
  userId: string;
  name: string;
  scopes: string[];
  /** days until the key stops working; null/absent = never */
  expiresInDays?: number | null;
  now?: Date;
}) {
  const input = parseOrThrow(
    z.object({ name: ZApiKeyName, scopes: z.array(ZApiScope).min(1, "Pick at least one scope.").max(API_SCOPE_NAMES.length) }),
    { name, scopes },
  );
  const prefix = randomBytes(4).toString("hex");
  const key = `rods_${prefix}_${randomBytes(32).toString("base64url")}`;
  const row = await db.apiKey.create({
    data: {
      name: input.name,
      prefix,
      keyHash: sha256(key),
      scopes: [...new Set(input.scopes)],
      userId,
      expiresAt: expiresInDays ? new Date(now.getTime() + expiresInDays * 24 * 3600 * 1000) : null,
    },
    select: apiKeySelect,
  });
  return { key, id: row.id, prefix, apiKey: row };
}

/** A key for the user with this email (the CLI's way to make keys without a browser); `scopes: ["all"]` = every scope. */
export async function createApiKeyForEmail({ db, email, name, scopes }: { db: Db; email: string; name: string; scopes: string[] }) {
  const address = parseOrThrow(ZEmail, email);
  const user = await db.user.findUnique({ where: { email: address }, select: { id: true } });
  if (!user) throw new AppError("NOT_FOUND", `No user with the email ${address}; create one with \`npm run rods -- user create\`.`);
  return createApiKey({ db, userId: user.id, name, scopes: scopes.includes("all") ? [...API_SCOPE_NAMES] : scopes });
}

export async function listApiKeys({ db, userId }: { db: Db; userId: string }) {
  return db.apiKey.findMany({ where: { userId }, select: apiKeySelect, orderBy: [{ createdAt: "desc" }, { id: "asc" }] });
}

export async function revokeApiKey({ db, userId, id, now = new Date() }: { db: Db; userId: string; id: string; now?: Date }) {
  const found = await db.apiKey.findFirst({ where: { id, userId }, select: apiKeySelect });
  if (!found) throw new AppError("NOT_FOUND", "No API key with this id among yours; reload the list.");
  if (found.revokedAt) return found;
  return db.apiKey.update({ where: { id }, data: { revokedAt: now }, select: apiKeySelect });
}

export function hasScope(scopes: readonly string[], scope: ApiScope): boolean {
  if (scopes.includes(scope)) return true;
  return scope.endsWith(":read") && scopes.includes(scope.replace(/:read$/, ":write"));
}

/**
 * The user behind an API key that carries `scope` (records its use).
 * UNAUTHORIZED when the key is malformed, unknown or revoked; FORBIDDEN when it lacks the scope.
 * Without `scope`, any valid key passes (for "who am I" checks).
 */
export async function authenticateApiKey({ db, key, scope, now = new Date() }: { db: Db; key: string; scope?: ApiScope; now?: Date }): Promise<TUser> {
  if (!API_KEY_PATTERN.test(key)) throw new AppError("UNAUTHORIZED", "This API key is not valid; create one under Settings → API keys.");
  const found = await db.apiKey.findUnique({ where: { keyHash: sha256(key) }, select: { id: true, scopes: true, revokedAt: true, expiresAt: true, lastUsedAt: true, user: { select: userSelect } } });
  if (!found || found.revokedAt) throw new AppError("UNAUTHORIZED", "This API key is unknown or revoked; create a new one under Settings → API keys.");
  if (found.expiresAt && found.expiresAt <= now) throw new AppError("UNAUTHORIZED", "This API key has expired; create a new one under Settings → API keys.");
  if (scope && !hasScope(found.scopes, scope)) {
    throw new AppError("FORBIDDEN", `This API key lacks the scope "${scope}"; create a key with it under Settings → API keys.`);
  }
  // "Last used" to the minute: a trainer's key serves many requests a second, and each need not write.
  if (!found.lastUsedAt || now.getTime() - found.lastUsedAt.getTime() > 60_000) {
    await db.apiKey.update({ where: { id: found.id }, data: { lastUsedAt: now }, select: { id: true } });
  }
  return found.user;
}

// ---------- helpers ----------

function parseOrThrow<T extends z.ZodType>(schema: T, value: unknown, prefix = ""): z.infer<T> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new AppError("BAD_REQUEST", prefix + parsed.error.issues.map((i) => i.message).join(" "));
  return parsed.data;
}
