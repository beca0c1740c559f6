import type { Metadata } from "next";
import Link from "next/link";
import { connection } from "next/server";
import type { ReactNode } from "react";
import { Providers } from "@/components/trpc-provider";
import { UserMenu } from "@/components/ui/user-menu";
import "./globals.css";

export const metadata: Metadata = {
  title: "RODS",
  description: "Reward-driven Online Data Synthesis: data engine and dashboard for RL of tool-use agents",
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  // Every page renders per request, so Next can put proxy.ts's nonce on its scripts (a prebuilt page has none and
  // the CSP would block it).
  await connection();
  return (
    <html lang="en">
      <body>
        <Providers>
          <header className="topbar">
            <Link href="/" className="brand">
              RODS
            </Link>
            <nav aria-label="Main">
              <Link href="/runs">Runs</Link>
              <Link href="/tasks">Tasks</Link>
              <Link href="/review">Review</Link>
              <Link href="/experiments/new">New experiment</Link>
              <Link href="/studies">Studies</Link>
            </nav>
            <UserMenu />
          </header>
          <main>{children}</main>
        </Providers>
        <footer className="footer">BFCL multi-turn data, Apache-2.0, Berkeley Gorilla team.</footer>
      </body>
    </html>
  );
}
