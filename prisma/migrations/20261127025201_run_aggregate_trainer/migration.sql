-- AlterTable
ALTER TABLE "RunAggregate" ADD COLUMN     "trainer" JSON;
