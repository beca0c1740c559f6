-- CreateEnum
CREATE TYPE "EnvSessionStatus" AS ENUM ('open', 'finished', 'expired');

-- CreateTable
CREATE TABLE "EnvSession" (
    "id" TEXT NOT NULL,
    "taskId" TEXT NOT NULL,
    "userId" TEXT,
    "runId" TEXT,
    "stepIndex" INTEGER,
    "sample" INTEGER,
    "status" "EnvSessionStatus" NOT NULL DEFAULT 'open',
    "turn" INTEGER NOT NULL DEFAULT 0,
    "calls" JSONB NOT NULL DEFAULT '[[]]',
    "callCount" INTEGER NOT NULL DEFAULT 0,
    "result" JSONB,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastActiveAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" TIMESTAMP(3),

    CONSTRAINT "EnvSession_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "EvalRequest" (
    "id" TEXT NOT NULL,
    "runId" TEXT NOT NULL,
    "stepIndex" INTEGER NOT NULL,
    "epoch" INTEGER NOT NULL,
    "taskIds" TEXT[],
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "EvalRequest_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "EvalRollout" (
    "id" TEXT NOT NULL,
    "requestId" TEXT NOT NULL,
    "taskId" TEXT NOT NULL,
    "messages" JSONB NOT NULL,
    "turnResults" JSONB,
    "reward" DOUBLE PRECISION NOT NULL,
    "success" BOOLEAN NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "EvalRollout_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "EnvSession_lastActiveAt_idx" ON "EnvSession"("lastActiveAt");

-- CreateIndex
CREATE INDEX "EnvSession_runId_stepIndex_idx" ON "EnvSession"("runId", "stepIndex");

-- CreateIndex
CREATE UNIQUE INDEX "EvalRequest_runId_stepIndex_key" ON "EvalRequest"("runId", "stepIndex");

-- CreateIndex
CREATE UNIQUE INDEX "EvalRollout_requestId_taskId_key" ON "EvalRollout"("requestId", "taskId");

-- AddForeignKey
ALTER TABLE "EnvSession" ADD CONSTRAINT "EnvSession_taskId_fkey" FOREIGN KEY ("taskId") REFERENCES "Task"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "EnvSession" ADD CONSTRAINT "EnvSession_runId_fkey" FOREIGN KEY ("runId") REFERENCES "Run"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "EvalRequest" ADD CONSTRAINT "EvalRequest_runId_fkey" FOREIGN KEY ("runId") REFERENCES "Run"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "EvalRollout" ADD CONSTRAINT "EvalRollout_requestId_fkey" FOREIGN KEY ("requestId") REFERENCES "EvalRequest"("id") ON DELETE CASCADE ON UPDATE CASCADE;
