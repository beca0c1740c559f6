// Content-Security-Policy violations a page reports, from the browser's own signals: the securitypolicyviolation
// event (recorded by a script the test injects before any page script) and the console's "Refused to …" lines.
import type { Page } from "@playwright/test";

declare global {
  interface Window {
    __cspViolations?: string[];
  }
}

/** Starts recording on `page` (call before the first goto); the returned function lists what was seen so far. */
export async function watchCspViolations(page: Page): Promise<() => Promise<string[]>> {
  const fromConsole: string[] = [];
  page.on("console", (msg) => {
    if (/Content Security Policy|Refused to (execute|load|apply|connect|frame)/i.test(msg.text())) fromConsole.push(`${page.url()}: ${msg.text()}`);
  });
  await page.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (e) => {
      (window.__cspViolations ??= []).push(`${location.pathname}: ${e.violatedDirective} blocked ${e.blockedURI || "inline"}`);
    });
  });
  return async () => [...fromConsole, ...((await page.evaluate(() => window.__cspViolations ?? []).catch(() => [])) as string[])];
}

/** True once Next's client runtime has run on the page (its scripts were allowed and executed). */
export async function waitForHydration(page: Page): Promise<void> {
  await page.waitForFunction(() => Boolean((window as unknown as { next?: { version?: string } }).next?.version));
}
