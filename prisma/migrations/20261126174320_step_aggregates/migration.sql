-- CreateTable
CREATE TABLE "StepAggregate" (
    "runId" TEXT NOT NULL,
    "stepIndex" INTEGER NOT NULL,
    "hard" INTEGER NOT NULL DEFAULT 0,
    "boundary" INTEGER NOT NULL DEFAULT 0,
    "mastered" INTEGER NOT NULL DEFAULT 0,
    "meanBins" INTEGER[],
    "varianceBins" INTEGER[],
    "points" JSON NOT NULL,
    "series" JSON NOT NULL,
    "synthAttempted" INTEGER NOT NULL DEFAULT 0,
    "synthPlanned" INTEGER NOT NULL DEFAULT 0,
    "synthExecuted" INTEGER NOT NULL DEFAULT 0,
    "synthRewritten" INTEGER NOT NULL DEFAULT 0,
    "synthPassedGates" INTEGER NOT NULL DEFAULT 0,
    "synthAccepted" INTEGER NOT NULL DEFAULT 0,
    "synthApproved" INTEGER NOT NULL DEFAULT 0,
    "synthPendingReview" INTEGER NOT NULL DEFAULT 0,
    "synthRejected" INTEGER NOT NULL DEFAULT 0,
    "synthRunning" INTEGER NOT NULL DEFAULT 0,
    "synthDropped" INTEGER NOT NULL DEFAULT 0,
    "synthErrors" JSON NOT NULL DEFAULT '{}',
    "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "StepAggregate_pkey" PRIMARY KEY ("runId","stepIndex")
);

-- AddForeignKey
ALTER TABLE "StepAggregate" ADD CONSTRAINT "StepAggregate_runId_fkey" FOREIGN KEY ("runId") REFERENCES "Run"("id") ON DELETE CASCADE ON UPDATE CASCADE;
