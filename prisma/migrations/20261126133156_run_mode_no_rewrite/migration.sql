-- AlterEnum
ALTER TYPE "RunMode" ADD VALUE 'no_rewrite';
