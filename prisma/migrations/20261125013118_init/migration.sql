-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "UserRole" AS ENUM ('admin', 'member');

-- CreateEnum
CREATE TYPE "TaskOrigin" AS ENUM ('seed', 'synthesized', 'imported');

-- CreateEnum
CREATE TYPE "TaskSplit" AS ENUM ('train', 'test', 'none');

-- CreateEnum
CREATE TYPE "TaskStatus" AS ENUM ('active', 'retired');

-- CreateEnum
CREATE TYPE "ReviewState" AS ENUM ('none', 'pending', 'approved', 'rejected');

-- CreateEnum
CREATE TYPE "RunMode" AS ENUM ('rods', 'static', 'random_seeds', 'binary_reward', 'no_retirement', 'no_refresh');

-- CreateEnum
CREATE TYPE "RunStatus" AS ENUM ('queued', 'running', 'paused', 'completed', 'failed', 'cancelled');

-- CreateEnum
CREATE TYPE "PoolState" AS ENUM ('staged', 'active', 'retired');

-- CreateEnum
CREATE TYPE "RetireReason" AS ENUM ('burn_in', 'mastered', 'unsolvable', 'pruned');

-- CreateEnum
CREATE TYPE "Region" AS ENUM ('hard', 'boundary', 'mastered');

-- CreateEnum
CREATE TYPE "SynthesisStage" AS ENUM ('plan', 'execute', 'rewrite', 'critique', 'augment', 'done');

-- CreateEnum
CREATE TYPE "SynthesisOutcome" AS ENUM ('running', 'accepted', 'dropped');

-- CreateEnum
CREATE TYPE "ReviewDecision" AS ENUM ('approve', 'reject', 'edit');

-- CreateTable
CREATE TABLE "User" (
    "id" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "passwordHash" TEXT NOT NULL,
    "role" "UserRole" NOT NULL DEFAULT 'member',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "User_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Session" (
    "id" TEXT NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Session_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ApiKey" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "keyHash" TEXT NOT NULL,
    "scopes" TEXT[],
    "userId" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastUsedAt" TIMESTAMP(3),
    "revokedAt" TIMESTAMP(3),

    CONSTRAINT "ApiKey_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Dataset" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "source" TEXT NOT NULL DEFAULT '',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Dataset_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Task" (
    "id" TEXT NOT NULL,
    "datasetId" TEXT NOT NULL,
    "externalId" TEXT NOT NULL,
    "env" TEXT NOT NULL DEFAULT 'bfcl',
    "category" TEXT NOT NULL,
    "scenarioIndex" INTEGER,
    "split" "TaskSplit" NOT NULL DEFAULT 'none',
    "involvedClasses" TEXT[],
    "numTurns" INTEGER NOT NULL,
    "turns" JSONB NOT NULL,
    "initialConfig" JSONB NOT NULL,
    "groundTruth" JSONB NOT NULL,
    "missedFunctions" JSONB NOT NULL DEFAULT '{}',
    "longContext" BOOLEAN NOT NULL DEFAULT false,
    "structure" JSONB,
    "dependencyDepth" INTEGER,
    "origin" "TaskOrigin" NOT NULL DEFAULT 'seed',
    "parentId" TEXT,
    "status" "TaskStatus" NOT NULL DEFAULT 'active',
    "reviewState" "ReviewState" NOT NULL DEFAULT 'none',
    "gtReplayOk" BOOLEAN,
    "gtReplayReason" TEXT,
    "contentHash" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Task_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Run" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "mode" "RunMode" NOT NULL,
    "status" "RunStatus" NOT NULL DEFAULT 'queued',
    "config" JSONB NOT NULL,
    "datasetId" TEXT NOT NULL,
    "currentEpoch" INTEGER NOT NULL DEFAULT 0,
    "currentStep" INTEGER NOT NULL DEFAULT 0,
    "totalSteps" INTEGER,
    "policyVersion" INTEGER NOT NULL DEFAULT 0,
    "statusReason" TEXT,
    "error" TEXT,
    "createdById" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "startedAt" TIMESTAMP(3),
    "finishedAt" TIMESTAMP(3),
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Run_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PoolEntry" (
    "id" TEXT NOT NULL,
    "runId" TEXT NOT NULL,
    "taskId" TEXT NOT NULL,
    "state" "PoolState" NOT NULL,
    "isSeed" BOOLEAN NOT NULL DEFAULT true,
    "stagedStep" INTEGER,
    "enteredEpoch" INTEGER,
    "leftEpoch" INTEGER,
    "retireReason" "RetireReason",
    "firstMean" DOUBLE PRECISION,
    "lastMean" DOUBLE PRECISION,
    "lastSeedStep" INTEGER,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "PoolEntry_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Step" (
    "id" TEXT NOT NULL,
    "runId" TEXT NOT NULL,
    "index" INTEGER NOT NULL,
    "epoch" INTEGER NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "numTasks" INTEGER NOT NULL DEFAULT 0,
    "numRollouts" INTEGER NOT NULL DEFAULT 0,
    "infraFailures" INTEGER NOT NULL DEFAULT 0,
    "meanReward" DOUBLE PRECISION,
    "informativeFraction" DOUBLE PRECISION,
    "meanPhi" DOUBLE PRECISION,
    "gradConcentration" DOUBLE PRECISION,
    "regions" JSONB,
    "tokensIn" INTEGER NOT NULL DEFAULT 0,
    "tokensOut" INTEGER NOT NULL DEFAULT 0,
    "policyVersion" INTEGER NOT NULL DEFAULT 0,
    "startedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" TIMESTAMP(3),

    CONSTRAINT "Step_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "TaskStepStat" (
    "id" TEXT NOT NULL,
    "runId" TEXT NOT NULL,
    "stepIndex" INTEGER NOT NULL,
    "taskId" TEXT NOT NULL,
    "rewards" DOUBLE PRECISION[],
    "successes" INTEGER NOT NULL DEFAULT 0,
    "mean" DOUBLE PRECISION NOT NULL,
    "variance" DOUBLE PRECISION NOT NULL,
    "phi" DOUBLE PRECISION NOT NULL,
    "region" "Region" NOT NULL,
    "infraFailures" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "TaskStepStat_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Rollout" (
    "id" TEXT NOT NULL,
    "runId" TEXT NOT NULL,
    "stepIndex" INTEGER NOT NULL,
    "taskId" TEXT NOT NULL,
    "sample" INTEGER NOT NULL,
    "policyVersion" INTEGER NOT NULL DEFAULT 0,
    "messages" JSONB NOT NULL,
    "turnResults" JSONB,
    "reward" DOUBLE PRECISION,
    "success" BOOLEAN,
    "advantage" DOUBLE PRECISION,
    "tokensIn" INTEGER NOT NULL DEFAULT 0,
    "tokensOut" INTEGER NOT NULL DEFAULT 0,
    "latencyMs" INTEGER NOT NULL DEFAULT 0,
    "infraError" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Rollout_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SynthesisAttempt" (
    "id" TEXT NOT NULL,
    "runId" TEXT,
    "stepIndex" INTEGER,
    "seedTaskId" TEXT NOT NULL,
    "backend" TEXT NOT NULL,
    "stageReached" "SynthesisStage" NOT NULL DEFAULT 'plan',
    "outcome" "SynthesisOutcome" NOT NULL DEFAULT 'running',
    "errorType" TEXT,
    "errorMessage" TEXT,
    "configPatches" JSONB NOT NULL DEFAULT '[]',
    "gateResults" JSONB,
    "judgeVerdict" JSONB,
    "childTaskId" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" TIMESTAMP(3),

    CONSTRAINT "SynthesisAttempt_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Review" (
    "id" TEXT NOT NULL,
    "taskId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "decision" "ReviewDecision" NOT NULL,
    "reason" TEXT,
    "previous" JSONB,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Review_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Evaluation" (
    "id" TEXT NOT NULL,
    "runId" TEXT NOT NULL,
    "stepIndex" INTEGER NOT NULL,
    "epoch" INTEGER NOT NULL,
    "split" TEXT NOT NULL,
    "category" TEXT NOT NULL,
    "score" DOUBLE PRECISION NOT NULL,
    "progress" DOUBLE PRECISION NOT NULL,
    "n" INTEGER NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Evaluation_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PolicyCheckpoint" (
    "id" TEXT NOT NULL,
    "runId" TEXT NOT NULL,
    "stepIndex" INTEGER NOT NULL,
    "version" INTEGER NOT NULL,
    "params" JSONB NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "PolicyCheckpoint_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ImportRun" (
    "id" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'running',
    "total" INTEGER NOT NULL DEFAULT 0,
    "done" INTEGER NOT NULL DEFAULT 0,
    "created" INTEGER NOT NULL DEFAULT 0,
    "error" TEXT,
    "startedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" TIMESTAMP(3),

    CONSTRAINT "ImportRun_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "WorkerHeartbeat" (
    "id" TEXT NOT NULL,
    "hostname" TEXT NOT NULL,
    "pid" INTEGER NOT NULL,
    "startedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastSeenAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "WorkerHeartbeat_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "User_email_key" ON "User"("email");

-- CreateIndex
CREATE UNIQUE INDEX "Session_tokenHash_key" ON "Session"("tokenHash");

-- CreateIndex
CREATE INDEX "Session_userId_idx" ON "Session"("userId");

-- CreateIndex
CREATE UNIQUE INDEX "ApiKey_keyHash_key" ON "ApiKey"("keyHash");

-- CreateIndex
CREATE INDEX "ApiKey_userId_idx" ON "ApiKey"("userId");

-- CreateIndex
CREATE UNIQUE INDEX "Dataset_name_key" ON "Dataset"("name");

-- CreateIndex
CREATE INDEX "Task_category_split_idx" ON "Task"("category", "split");

-- CreateIndex
CREATE INDEX "Task_origin_idx" ON "Task"("origin");

-- CreateIndex
CREATE INDEX "Task_parentId_idx" ON "Task"("parentId");

-- CreateIndex
CREATE INDEX "Task_contentHash_idx" ON "Task"("contentHash");

-- CreateIndex
CREATE INDEX "Task_involvedClasses_idx" ON "Task" USING GIN ("involvedClasses");

-- CreateIndex
CREATE UNIQUE INDEX "Task_datasetId_externalId_key" ON "Task"("datasetId", "externalId");

-- CreateIndex
CREATE INDEX "Run_status_idx" ON "Run"("status");

-- CreateIndex
CREATE INDEX "Run_createdAt_idx" ON "Run"("createdAt");

-- CreateIndex
CREATE INDEX "PoolEntry_runId_state_idx" ON "PoolEntry"("runId", "state");

-- CreateIndex
CREATE UNIQUE INDEX "PoolEntry_runId_taskId_key" ON "PoolEntry"("runId", "taskId");

-- CreateIndex
CREATE UNIQUE INDEX "Step_runId_index_key" ON "Step"("runId", "index");

-- CreateIndex
CREATE INDEX "TaskStepStat_taskId_idx" ON "TaskStepStat"("taskId");

-- CreateIndex
CREATE UNIQUE INDEX "TaskStepStat_runId_stepIndex_taskId_key" ON "TaskStepStat"("runId", "stepIndex", "taskId");

-- CreateIndex
CREATE INDEX "Rollout_taskId_idx" ON "Rollout"("taskId");

-- CreateIndex
CREATE UNIQUE INDEX "Rollout_runId_stepIndex_taskId_sample_key" ON "Rollout"("runId", "stepIndex", "taskId", "sample");

-- CreateIndex
CREATE UNIQUE INDEX "SynthesisAttempt_childTaskId_key" ON "SynthesisAttempt"("childTaskId");

-- CreateIndex
CREATE INDEX "SynthesisAttempt_runId_stepIndex_idx" ON "SynthesisAttempt"("runId", "stepIndex");

-- CreateIndex
CREATE INDEX "SynthesisAttempt_seedTaskId_idx" ON "SynthesisAttempt"("seedTaskId");

-- CreateIndex
CREATE INDEX "Review_taskId_idx" ON "Review"("taskId");

-- CreateIndex
CREATE UNIQUE INDEX "Evaluation_runId_stepIndex_split_category_key" ON "Evaluation"("runId", "stepIndex", "split", "category");

-- CreateIndex
CREATE UNIQUE INDEX "PolicyCheckpoint_runId_stepIndex_key" ON "PolicyCheckpoint"("runId", "stepIndex");

-- AddForeignKey
ALTER TABLE "Session" ADD CONSTRAINT "Session_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ApiKey" ADD CONSTRAINT "ApiKey_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Task" ADD CONSTRAINT "Task_datasetId_fkey" FOREIGN KEY ("datasetId") REFERENCES "Dataset"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Task" ADD CONSTRAINT "Task_parentId_fkey" FOREIGN KEY ("parentId") REFERENCES "Task"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Run" ADD CONSTRAINT "Run_datasetId_fkey" FOREIGN KEY ("datasetId") REFERENCES "Dataset"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Run" ADD CONSTRAINT "Run_createdById_fkey" FOREIGN KEY ("createdById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PoolEntry" ADD CONSTRAINT "PoolEntry_runId_fkey" FOREIGN KEY ("runId") REFERENCES "Run"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PoolEntry" ADD CONSTRAINT "PoolEntry_taskId_fkey" FOREIGN KEY ("taskId") REFERENCES "Task"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Step" ADD CONSTRAINT "Step_runId_fkey" FOREIGN KEY ("runId") REFERENCES "Run"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TaskStepStat" ADD CONSTRAINT "TaskStepStat_runId_fkey" FOREIGN KEY ("runId") REFERENCES "Run"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TaskStepStat" ADD CONSTRAINT "TaskStepStat_taskId_fkey" FOREIGN KEY ("taskId") REFERENCES "Task"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Rollout" ADD CONSTRAINT "Rollout_runId_fkey" FOREIGN KEY ("runId") REFERENCES "Run"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Rollout" ADD CONSTRAINT "Rollout_taskId_fkey" FOREIGN KEY ("taskId") REFERENCES "Task"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SynthesisAttempt" ADD CONSTRAINT "SynthesisAttempt_runId_fkey" FOREIGN KEY ("runId") REFERENCES "Run"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SynthesisAttempt" ADD CONSTRAINT "SynthesisAttempt_seedTaskId_fkey" FOREIGN KEY ("seedTaskId") REFERENCES "Task"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SynthesisAttempt" ADD CONSTRAINT "SynthesisAttempt_childTaskId_fkey" FOREIGN KEY ("childTaskId") REFERENCES "Task"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Review" ADD CONSTRAINT "Review_taskId_fkey" FOREIGN KEY ("taskId") REFERENCES "Task"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Review" ADD CONSTRAINT "Review_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Evaluation" ADD CONSTRAINT "Evaluation_runId_fkey" FOREIGN KEY ("runId") REFERENCES "Run"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PolicyCheckpoint" ADD CONSTRAINT "PolicyCheckpoint_runId_fkey" FOREIGN KEY ("runId") REFERENCES "Run"("id") ON DELETE CASCADE ON UPDATE CASCADE;
