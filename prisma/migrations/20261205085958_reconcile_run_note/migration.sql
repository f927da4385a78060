-- AlterTable
ALTER TABLE "reconcile_runs" ADD COLUMN     "note" TEXT;
