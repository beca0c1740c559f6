// tRPC through Next (development, and any request the web server's plain path does not take); the checks and the
// handler live in server/http/trpc-door.ts, shared with that plain path (server/http/web-server.ts).
import { answerTrpc } from "@/server/http/trpc-door";

export const dynamic = "force-dynamic";

export { answerTrpc as GET, answerTrpc as POST };
