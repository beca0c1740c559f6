// /api/v1/*: every versioned REST route is in server/api/v1/registry.ts; this file only hands requests over.
import { dispatchV1 } from "@/server/api/v1/dispatch";

export const dynamic = "force-dynamic";

export const GET = (req: Request) => dispatchV1(req);
export const POST = GET;
export const PUT = GET;
export const PATCH = GET;
export const DELETE = GET;
