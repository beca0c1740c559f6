-- AlterTable
ALTER TABLE "RunAggregate" ADD COLUMN     "pace" JSON;
