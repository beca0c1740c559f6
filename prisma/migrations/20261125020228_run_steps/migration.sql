-- AlterTable
ALTER TABLE "Step" ADD COLUMN     "rollingSince" TIMESTAMP(3),
ADD COLUMN     "stepInEpoch" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "taskIds" TEXT[];

-- AlterTable
ALTER TABLE "Rollout" ADD COLUMN     "behaviour" JSONB;
