"use client";
// The header's account corner: the signed-in user's name, API keys and sign-out, or a "Sign in" link.
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { usePathname } from "next/navigation";
import { useTRPC } from "@/components/trpc-provider";

export function UserMenu() {
  const trpc = useTRPC();
  const pathname = usePathname();
  const me = useQuery({ ...trpc.auth.me.queryOptions(), staleTime: 60_000 });
  if (me.isPending) return <div className="user-menu" aria-hidden />;
  const user = me.data;
  if (!user) {
    const next = pathname && pathname !== "/sign-in" ? `?next=${encodeURIComponent(pathname)}` : "";
    return (
      <div className="user-menu" style={{ marginLeft: "auto" }}>
        <Link href={`/sign-in${next}`}>Sign in</Link>
      </div>
    );
  }
  return (
    <div className="user-menu" aria-label="Account" role="group" style={{ marginLeft: "auto", display: "flex", gap: 12, alignItems: "center" }}>
      <span data-testid="signed-in-user" title={user.email}>
        {user.name}
      </span>
      <Link href="/settings/api-keys">API keys</Link>
      {/* A plain form post: works before hydration and reloads every query as signed out. */}
      <form method="post" action="/api/auth/sign-out" style={{ margin: 0 }}>
        <button type="submit">Sign out</button>
      </form>
    </div>
  );
}
