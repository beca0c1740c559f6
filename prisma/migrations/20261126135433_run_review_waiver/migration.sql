-- AlterTable
ALTER TABLE "Run" ADD COLUMN     "reviewWaivedEpoch" INTEGER;
