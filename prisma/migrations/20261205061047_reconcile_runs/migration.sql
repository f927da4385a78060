-- CreateEnum
CREATE TYPE "reconcile_run_status" AS ENUM ('running', 'succeeded', 'partial', 'failed');

-- AlterEnum
ALTER TYPE "event_origin" ADD VALUE 'reconcile';

-- CreateTable
CREATE TABLE "reconcile_runs" (
    "id" UUID NOT NULL,
    "trigger" TEXT NOT NULL,
    "dry_run" BOOLEAN NOT NULL,
    "started_at" TIMESTAMPTZ(3) NOT NULL,
    "finished_at" TIMESTAMPTZ(3),
    "status" "reconcile_run_status" NOT NULL,
    "customers_checked" INTEGER NOT NULL DEFAULT 0,
    "customers_failed" INTEGER NOT NULL DEFAULT 0,
    "records_read" INTEGER NOT NULL DEFAULT 0,
    "events_appended" INTEGER NOT NULL DEFAULT 0,
    "drift_items" INTEGER NOT NULL DEFAULT 0,
    "error" TEXT,

    CONSTRAINT "reconcile_runs_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "reconcile_drift" (
    "id" BIGSERIAL NOT NULL,
    "run_id" UUID NOT NULL,
    "source_id" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "transaction_id" TEXT,
    "direction" TEXT,
    "mirror_points" DECIMAL(20,4),
    "rehook_points" DECIMAL(20,4),
    "detail" TEXT,

    CONSTRAINT "reconcile_drift_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "reconcile_runs_started_at_id_idx" ON "reconcile_runs"("started_at", "id");

-- CreateIndex
CREATE INDEX "reconcile_runs_status_finished_at_idx" ON "reconcile_runs"("status", "finished_at");

-- CreateIndex
CREATE INDEX "reconcile_drift_run_id_id_idx" ON "reconcile_drift"("run_id", "id");
