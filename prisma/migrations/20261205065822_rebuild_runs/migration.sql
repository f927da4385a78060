-- CreateTable
CREATE TABLE "rebuild_runs" (
    "id" BIGSERIAL NOT NULL,
    "started_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finished_at" TIMESTAMPTZ(3),
    "status" TEXT NOT NULL,
    "phase" TEXT NOT NULL,
    "events" BIGINT NOT NULL DEFAULT 0,
    "error" TEXT,

    CONSTRAINT "rebuild_runs_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "rebuild_runs_started_at_idx" ON "rebuild_runs"("started_at");
