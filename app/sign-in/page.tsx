import { safeNextPath } from "@/server/api/auth-http";
import { isAnonymousReadAllowed } from "@/server/env";
import { SignInForm } from "./sign-in-form";

export const metadata = { title: "Sign in · RODS" };

// Codes, not texts, come back in the URL after a form post without JavaScript, so nobody can put words on this page.
const ERRORS: Record<string, string> = {
  wrong: "Email or password is wrong.",
  missing: "Enter your email and password.",
  throttled: "Too many failed sign-ins; wait a little before trying again.",
  server: "Something went wrong on the server; the details are in the server log.",
};

export default async function SignInPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const params = await searchParams;
  const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);
  const next = one(params.next);
  const error = ERRORS[one(params.error) ?? ""];
  return (
    <div style={{ maxWidth: 380 }}>
      <h1>Sign in</h1>
      <p className="muted">
        {isAnonymousReadAllowed() ? "Anyone can look around; signing in lets you change things and create API keys." : "Sign in to see RODS on this server; signing in also lets you change things and create API keys."}
      </p>
      <SignInForm next={safeNextPath(next)} initialError={error} />
    </div>
  );
}
