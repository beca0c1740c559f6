-- AlterEnum
ALTER TYPE "SynthesisOutcome" ADD VALUE 'cancelled';
