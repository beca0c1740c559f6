-- AlterTable
ALTER TABLE "RunAggregate" ADD COLUMN     "curve" JSON,
ADD COLUMN     "shape" INTEGER NOT NULL DEFAULT 0;
