-- AlterTable
ALTER TABLE "Run" ADD COLUMN     "trainerWaitingSince" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "Step" ADD COLUMN     "ackedAt" TIMESTAMP(3),
ADD COLUMN     "ackedPolicyVersion" INTEGER,
ADD COLUMN     "publishedAt" TIMESTAMP(3),
ADD COLUMN     "trainerMetrics" JSONB;
