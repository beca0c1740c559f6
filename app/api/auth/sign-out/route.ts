// POST /api/auth/sign-out (server/api/auth-routes.ts); under `npm start` the web server answers it before Next.
import { signOutRoute } from "@/server/api/auth-routes";

export const dynamic = "force-dynamic";

export const POST = (req: Request) => signOutRoute(req);
