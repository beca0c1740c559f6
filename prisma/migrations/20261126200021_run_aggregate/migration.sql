-- CreateTable
CREATE TABLE "RunAggregate" (
    "runId" TEXT NOT NULL,
    "series" JSON NOT NULL,
    "synthesis" JSON NOT NULL,
    "pool" JSON NOT NULL,
    "atStep" INTEGER NOT NULL,
    "atEpoch" INTEGER NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "RunAggregate_pkey" PRIMARY KEY ("runId")
);

-- AddForeignKey
ALTER TABLE "RunAggregate" ADD CONSTRAINT "RunAggregate_runId_fkey" FOREIGN KEY ("runId") REFERENCES "Run"("id") ON DELETE CASCADE ON UPDATE CASCADE;
