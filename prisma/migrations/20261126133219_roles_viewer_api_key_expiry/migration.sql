-- AlterEnum
ALTER TYPE "UserRole" ADD VALUE 'viewer';

-- AlterTable
ALTER TABLE "ApiKey" ADD COLUMN     "expiresAt" TIMESTAMP(3);
