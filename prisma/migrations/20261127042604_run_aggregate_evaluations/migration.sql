-- AlterTable
ALTER TABLE "RunAggregate" ADD COLUMN     "evaluations" JSON;
