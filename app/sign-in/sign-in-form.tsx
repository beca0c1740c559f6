"use client";
// Posts JSON and shows errors in place; without JavaScript the same form posts to the route and comes back here.
import { useState, type FormEvent } from "react";

export function SignInForm({ next, initialError }: { next: string; initialError?: string }) {
  const [error, setError] = useState(initialError);
  const [isPending, setIsPending] = useState(false);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setIsPending(true);
    setError(undefined);
    try {
      const res = await fetch("/api/auth/sign-in", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ email: form.get("email"), password: form.get("password") }),
      });
      if (res.ok) {
        // A full load, so every query (and the header) starts over as the signed-in user.
        window.location.assign(next);
        return;
      }
      const body = (await res.json().catch(() => null)) as { error?: { message?: string } } | null;
      setError(body?.error?.message ?? `Sign-in failed (HTTP ${res.status}).`);
    } catch {
      setError("Could not reach the server; check that RODS is running and try again.");
    }
    setIsPending(false);
  }

  return (
    <form method="post" action="/api/auth/sign-in" onSubmit={onSubmit} className="card" style={{ display: "flex", flexDirection: "column", gap: 10 }}>
      <input type="hidden" name="next" value={next} />
      <label style={{ display: "flex", flexDirection: "column", gap: 4 }}>
        Email
        <input name="email" type="email" autoComplete="username" required maxLength={254} autoFocus />
      </label>
      <label style={{ display: "flex", flexDirection: "column", gap: 4 }}>
        Password
        <input name="password" type="password" autoComplete="current-password" required maxLength={200} />
      </label>
      {error ? (
        <p role="alert" style={{ color: "var(--err)", margin: 0 }}>
          {error}
        </p>
      ) : null}
      <button type="submit" disabled={isPending}>
        {isPending ? "Signing in…" : "Sign in"}
      </button>
    </form>
  );
}
