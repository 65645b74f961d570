-- AlterTable
ALTER TABLE "TrainingClass" ADD COLUMN     "deliveredMinutes" INTEGER,
ADD COLUMN     "lateFilingAcknowledgedAt" TIMESTAMPTZ(3),
ADD COLUMN     "lateFilingAcknowledgedById" UUID,
ADD COLUMN     "lateFilingReason" TEXT;

ALTER TABLE "TrainingClass" ADD CONSTRAINT "x_class_delivered_minutes" CHECK ("deliveredMinutes" IS NULL OR "deliveredMinutes" >= 0);
