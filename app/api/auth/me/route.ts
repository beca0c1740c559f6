// GET /api/auth/me: who this request is, by session cookie or `Authorization: Bearer rods_…` (lets a trainer check
// its key). 401 when neither is valid.
import { errorResponse, requestUser } from "@/server/api/auth-http";
import { getDb } from "@/server/db";

export const dynamic = "force-dynamic";

export async function GET(req: Request) {
  try {
    const { user, via } = await requestUser({ db: getDb(), headers: req.headers });
    return Response.json({ user, via }, { headers: { "Cache-Control": "no-store" } });
  } catch (error) {
    return errorResponse(error);
  }
}
