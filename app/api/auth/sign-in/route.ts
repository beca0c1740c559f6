// POST /api/auth/sign-in (server/api/auth-routes.ts); under `npm start` the web server answers it before Next.
import { signInRoute } from "@/server/api/auth-routes";

export const dynamic = "force-dynamic";

export const POST = (req: Request) => signInRoute(req);
