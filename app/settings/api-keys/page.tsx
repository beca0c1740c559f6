import { cookies } from "next/headers";
import { redirect } from "next/navigation";
import { SESSION_COOKIE } from "@/server/api/auth-http";
import { getDb } from "@/server/db";
import { sessionUser } from "@/server/services/auth-service";
import { ApiKeyManager } from "./api-key-manager";

export const metadata = { title: "API keys · RODS" };
export const dynamic = "force-dynamic";

export default async function ApiKeysPage() {
  const user = await sessionUser({ db: getDb(), token: (await cookies()).get(SESSION_COOKIE)?.value });
  if (!user) redirect("/sign-in?next=/settings/api-keys");
  return (
    <>
      <h1>API keys</h1>
      <p className="muted">
        Keys let trainers and scripts use the HTTP API as you ({user.email}): send one as <code>Authorization: Bearer rods_…</code>. A key can do
        only what its scopes allow.
      </p>
      <ApiKeyManager />
    </>
  );
}
