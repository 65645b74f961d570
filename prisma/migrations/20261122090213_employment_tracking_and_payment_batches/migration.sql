-- CreateEnum
CREATE TYPE "EmploymentConfirmation" AS ENUM ('UNCONFIRMED', 'CONFIRMED', 'DENIED');

-- CreateEnum
CREATE TYPE "EmploymentCheckStatus" AS ENUM ('PENDING', 'EMPLOYED', 'QUALIFIED', 'NOT_EMPLOYED');

-- CreateEnum
CREATE TYPE "CheckRunStatus" AS ENUM ('RUNNING', 'SUCCEEDED', 'FAILED');

-- CreateEnum
CREATE TYPE "CheckChunkStatus" AS ENUM ('PENDING', 'ENQUEUED', 'DONE');

-- CreateEnum
CREATE TYPE "PaymentBatchStatus" AS ENUM ('OPEN', 'SUBMITTED', 'PAID', 'CANCELLED');

-- CreateEnum
CREATE TYPE "ObjectionStatus" AS ENUM ('OPEN', 'UPHELD', 'DISMISSED');

-- AlterTable
ALTER TABLE "EmploymentRecord" ADD COLUMN     "confirmation" "EmploymentConfirmation" NOT NULL DEFAULT 'UNCONFIRMED',
ADD COLUMN     "confirmedAt" TIMESTAMPTZ(3),
ADD COLUMN     "confirmedById" UUID,
ADD COLUMN     "contractMonths" INTEGER,
ADD COLUMN     "denialReason" TEXT,
ADD COLUMN     "monthlyWageFen" INTEGER,
ADD COLUMN     "reportedById" UUID,
ADD COLUMN     "updatedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP;

-- AlterTable
ALTER TABLE "SocialInsuranceContribution" ADD COLUMN     "importId" UUID,
ADD COLUMN     "wageBaseFen" INTEGER;

-- AlterTable
ALTER TABLE "SubsidyClaim" ADD COLUMN     "supplementsClaimId" UUID;

-- AlterTable
ALTER TABLE "Payment" ADD COLUMN     "batchId" UUID;

-- AlterTable
ALTER TABLE "LedgerEntry" ADD COLUMN     "claimLineId" UUID,
ADD COLUMN     "personId" UUID;

-- AlterTable
ALTER TABLE "Notification" ADD COLUMN     "channel" TEXT NOT NULL DEFAULT 'IN_APP',
ADD COLUMN     "dedupKey" TEXT,
ADD COLUMN     "deliveredAt" TIMESTAMPTZ(3),
ADD COLUMN     "deliveryError" TEXT;

-- CreateTable
CREATE TABLE "ContributionImport" (
    "id" UUID NOT NULL,
    "regionCode" CHAR(6) NOT NULL,
    "fileName" TEXT NOT NULL,
    "fileSha256" CHAR(64) NOT NULL,
    "format" TEXT NOT NULL,
    "status" "RosterImportStatus" NOT NULL DEFAULT 'PENDING',
    "totalRows" INTEGER NOT NULL DEFAULT 0,
    "processedRows" INTEGER NOT NULL DEFAULT 0,
    "acceptedRows" INTEGER NOT NULL DEFAULT 0,
    "unmatchedRows" INTEGER NOT NULL DEFAULT 0,
    "rejectedRows" INTEGER NOT NULL DEFAULT 0,
    "rowErrors" JSONB NOT NULL DEFAULT '[]',
    "failureReason" TEXT,
    "content" BYTEA,
    "createdById" UUID,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" TIMESTAMPTZ(3),

    CONSTRAINT "ContributionImport_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "EmploymentCheck" (
    "id" UUID NOT NULL,
    "enrollmentId" UUID NOT NULL,
    "checkpointMonths" INTEGER NOT NULL,
    "completedOn" DATE NOT NULL,
    "dueOn" DATE NOT NULL,
    "status" "EmploymentCheckStatus" NOT NULL DEFAULT 'PENDING',
    "evidence" JSONB,
    "employerCreditCode" CHAR(18),
    "contractMonths" INTEGER,
    "monthlyWageFen" INTEGER,
    "decidedAt" TIMESTAMPTZ(3),
    "lastCheckedOn" DATE,
    "runId" UUID,
    "reminderSentAt" TIMESTAMPTZ(3),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "EmploymentCheck_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "EmploymentCheckRun" (
    "id" UUID NOT NULL,
    "runDate" DATE NOT NULL,
    "status" "CheckRunStatus" NOT NULL DEFAULT 'RUNNING',
    "chunkCount" INTEGER NOT NULL DEFAULT 0,
    "chunksDone" INTEGER NOT NULL DEFAULT 0,
    "checked" INTEGER NOT NULL DEFAULT 0,
    "qualified" INTEGER NOT NULL DEFAULT 0,
    "closed" INTEGER NOT NULL DEFAULT 0,
    "reminders" INTEGER NOT NULL DEFAULT 0,
    "startedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" TIMESTAMPTZ(3),

    CONSTRAINT "EmploymentCheckRun_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "EmploymentCheckChunk" (
    "id" UUID NOT NULL,
    "runId" UUID NOT NULL,
    "seq" INTEGER NOT NULL,
    "fromEnrollmentId" UUID NOT NULL,
    "toEnrollmentId" UUID NOT NULL,
    "status" "CheckChunkStatus" NOT NULL DEFAULT 'PENDING',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "enqueuedAt" TIMESTAMPTZ(3),
    "doneAt" TIMESTAMPTZ(3),
    "checked" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "EmploymentCheckChunk_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PaymentBatch" (
    "id" UUID NOT NULL,
    "number" TEXT NOT NULL,
    "regionCode" CHAR(6) NOT NULL,
    "status" "PaymentBatchStatus" NOT NULL DEFAULT 'OPEN',
    "totalFen" BIGINT NOT NULL DEFAULT 0,
    "claimCount" INTEGER NOT NULL DEFAULT 0,
    "bankReference" TEXT,
    "createdById" UUID,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "submittedAt" TIMESTAMPTZ(3),
    "paidAt" TIMESTAMPTZ(3),

    CONSTRAINT "PaymentBatch_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ClaimObjection" (
    "id" UUID NOT NULL,
    "claimId" UUID NOT NULL,
    "lineId" UUID,
    "raisedByName" TEXT NOT NULL,
    "raisedByContact" TEXT,
    "reason" TEXT NOT NULL,
    "status" "ObjectionStatus" NOT NULL DEFAULT 'OPEN',
    "resolution" TEXT,
    "recordedById" UUID,
    "resolvedById" UUID,
    "raisedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "resolvedAt" TIMESTAMPTZ(3),

    CONSTRAINT "ClaimObjection_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CalendarDay" (
    "date" DATE NOT NULL,
    "workday" BOOLEAN NOT NULL,
    "name" TEXT NOT NULL,
    "source" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "CalendarDay_pkey" PRIMARY KEY ("date")
);

-- CreateIndex
CREATE UNIQUE INDEX "ContributionImport_regionCode_fileSha256_key" ON "ContributionImport"("regionCode", "fileSha256");

-- CreateIndex
CREATE INDEX "EmploymentCheck_status_dueOn_idx" ON "EmploymentCheck"("status", "dueOn");

-- CreateIndex
CREATE UNIQUE INDEX "EmploymentCheck_enrollmentId_checkpointMonths_key" ON "EmploymentCheck"("enrollmentId", "checkpointMonths");

-- CreateIndex
CREATE UNIQUE INDEX "EmploymentCheckRun_runDate_key" ON "EmploymentCheckRun"("runDate");

-- CreateIndex
CREATE INDEX "EmploymentCheckChunk_status_enqueuedAt_idx" ON "EmploymentCheckChunk"("status", "enqueuedAt");

-- CreateIndex
CREATE UNIQUE INDEX "EmploymentCheckChunk_runId_seq_key" ON "EmploymentCheckChunk"("runId", "seq");

-- CreateIndex
CREATE UNIQUE INDEX "PaymentBatch_number_key" ON "PaymentBatch"("number");

-- CreateIndex
CREATE INDEX "PaymentBatch_regionCode_status_idx" ON "PaymentBatch"("regionCode", "status");

-- CreateIndex
CREATE INDEX "ClaimObjection_claimId_status_idx" ON "ClaimObjection"("claimId", "status");

-- CreateIndex
CREATE INDEX "EmploymentRecord_employerCreditCode_confirmation_idx" ON "EmploymentRecord"("employerCreditCode", "confirmation");

-- CreateIndex
CREATE INDEX "LedgerEntry_personId_idx" ON "LedgerEntry"("personId");

-- CreateIndex
CREATE INDEX "LedgerEntry_claimLineId_idx" ON "LedgerEntry"("claimLineId");

-- CreateIndex
CREATE UNIQUE INDEX "Notification_dedupKey_key" ON "Notification"("dedupKey");

-- AddForeignKey
ALTER TABLE "SocialInsuranceContribution" ADD CONSTRAINT "SocialInsuranceContribution_importId_fkey" FOREIGN KEY ("importId") REFERENCES "ContributionImport"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ContributionImport" ADD CONSTRAINT "ContributionImport_regionCode_fkey" FOREIGN KEY ("regionCode") REFERENCES "Region"("code") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "EmploymentCheck" ADD CONSTRAINT "EmploymentCheck_enrollmentId_fkey" FOREIGN KEY ("enrollmentId") REFERENCES "Enrollment"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "EmploymentCheckChunk" ADD CONSTRAINT "EmploymentCheckChunk_runId_fkey" FOREIGN KEY ("runId") REFERENCES "EmploymentCheckRun"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SubsidyClaim" ADD CONSTRAINT "SubsidyClaim_supplementsClaimId_fkey" FOREIGN KEY ("supplementsClaimId") REFERENCES "SubsidyClaim"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Payment" ADD CONSTRAINT "Payment_batchId_fkey" FOREIGN KEY ("batchId") REFERENCES "PaymentBatch"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "LedgerEntry" ADD CONSTRAINT "LedgerEntry_personId_fkey" FOREIGN KEY ("personId") REFERENCES "Person"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "LedgerEntry" ADD CONSTRAINT "LedgerEntry_claimLineId_fkey" FOREIGN KEY ("claimLineId") REFERENCES "SubsidyClaimLine"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PaymentBatch" ADD CONSTRAINT "PaymentBatch_regionCode_fkey" FOREIGN KEY ("regionCode") REFERENCES "Region"("code") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ClaimObjection" ADD CONSTRAINT "ClaimObjection_claimId_fkey" FOREIGN KEY ("claimId") REFERENCES "SubsidyClaim"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ClaimObjection" ADD CONSTRAINT "ClaimObjection_lineId_fkey" FOREIGN KEY ("lineId") REFERENCES "SubsidyClaimLine"("id") ON DELETE SET NULL ON UPDATE CASCADE;


-- ───────── Hand-written: rules schema.prisma cannot express (names start with x_) ─────────
ALTER TABLE "EmploymentCheck" ADD CONSTRAINT "x_check_window" CHECK ("checkpointMonths" > 0 AND "dueOn" > "completedOn");
ALTER TABLE "SocialInsuranceContribution" ADD CONSTRAINT "x_contribution_month" CHECK ("month" ~ '^[0-9]{4}(0[1-9]|1[0-2])$');
ALTER TABLE "SocialInsuranceContribution" ADD CONSTRAINT "x_contribution_amounts" CHECK ("amountFen" >= 0 AND ("wageBaseFen" IS NULL OR "wageBaseFen" >= 0));
ALTER TABLE "EmploymentRecord" ADD CONSTRAINT "x_employment_terms" CHECK (("contractMonths" IS NULL OR "contractMonths" > 0) AND ("monthlyWageFen" IS NULL OR "monthlyWageFen" >= 0) AND ("contractEnd" IS NULL OR "contractStart" IS NULL OR "contractEnd" >= "contractStart"));
ALTER TABLE "PaymentBatch" ADD CONSTRAINT "x_batch_totals" CHECK ("totalFen" >= 0 AND "claimCount" >= 0);
