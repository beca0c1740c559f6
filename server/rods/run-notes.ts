// Notes and tags on a run: the limits, checked at every edge (tRPC, /api/v1) with the same schema.
import { z } from "zod";

export const MAX_NOTES_CHARS = 10_000;
export const MAX_TAGS = 20;
export const MAX_TAG_CHARS = 40;

/** A tag: letters, digits and - _ . : / (no spaces), so it reads as one chip and filters exactly. */
export const ZRunTag = z
  .string()
  .trim()
  .min(1, "A tag cannot be empty.")
  .max(MAX_TAG_CHARS, `A tag has at most ${MAX_TAG_CHARS} characters.`)
  .regex(/^[\p{L}\p{N}_.:/-]+$/u, "A tag holds letters, digits and - _ . : / only (no spaces).");

export const ZRunNotesUpdate = z.strictObject({
  notes: z.string().max(MAX_NOTES_CHARS, `Notes have at most ${MAX_NOTES_CHARS.toLocaleString("en")} characters.`).optional(),
  tags: z
    .array(ZRunTag)
    .max(MAX_TAGS, `A run has at most ${MAX_TAGS} tags.`)
    // Same tag twice is kept once, in the order first given.
    .transform((tags) => [...new Set(tags)])
    .optional(),
});
export type TRunNotesUpdate = z.infer<typeof ZRunNotesUpdate>;
