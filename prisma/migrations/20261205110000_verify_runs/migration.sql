-- CreateEnum
CREATE TYPE "verify_run_status" AS ENUM ('running', 'passed', 'differences', 'failed');

-- CreateTable
CREATE TABLE "verify_runs" (
    "id" UUID NOT NULL,
    "trigger" TEXT NOT NULL,
    "mode" TEXT NOT NULL,
    "started_at" TIMESTAMPTZ(3) NOT NULL,
    "finished_at" TIMESTAMPTZ(3),
    "status" "verify_run_status" NOT NULL,
    "customers_checked" INTEGER NOT NULL DEFAULT 0,
    "differences" INTEGER NOT NULL DEFAULT 0,
    "first_differences" JSONB,
    "error" TEXT,

    CONSTRAINT "verify_runs_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "verify_runs_started_at_id_idx" ON "verify_runs"("started_at", "id");

-- CreateIndex
CREATE INDEX "verify_runs_status_finished_at_idx" ON "verify_runs"("status", "finished_at");
