-- AlterTable
ALTER TABLE "RunAggregate" ADD COLUMN     "heldOut" JSON NOT NULL DEFAULT '[]';

-- Rows written before the column: their runs' overall held-out points.
UPDATE "RunAggregate" a SET "heldOut" = (
  SELECT COALESCE(json_agg(json_build_object('stepIndex', e."stepIndex", 'score', e.score, 'progress', e.progress) ORDER BY e."stepIndex"), '[]'::json)
  FROM "Evaluation" e WHERE e."runId" = a."runId" AND e.split = 'test' AND e.category = 'overall'
);
