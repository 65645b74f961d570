-- CreateEnum
CREATE TYPE "StaffTrainingKind" AS ENUM ('PRE_JOB', 'SAFETY_SKILLS', 'JOB_TRANSFER');

-- CreateEnum
CREATE TYPE "StaffTrainingStatus" AS ENUM ('DRAFT', 'COMPLETED', 'CANCELLED');

-- DropForeignKey
ALTER TABLE "SubsidyClaim" DROP CONSTRAINT "SubsidyClaim_claimantId_fkey";

-- AlterTable
ALTER TABLE "SubsidyClaim" ADD COLUMN     "claimantPersonId" UUID,
ALTER COLUMN "claimantId" DROP NOT NULL;

-- CreateTable
CREATE TABLE "StaffTrainingBatch" (
    "id" UUID NOT NULL,
    "number" TEXT NOT NULL,
    "enterpriseId" UUID NOT NULL,
    "regionCode" CHAR(6) NOT NULL,
    "trainingKind" "StaffTrainingKind" NOT NULL,
    "occupationId" UUID,
    "title" TEXT NOT NULL,
    "startDate" DATE NOT NULL,
    "endDate" DATE NOT NULL,
    "hours" INTEGER NOT NULL,
    "status" "StaffTrainingStatus" NOT NULL DEFAULT 'DRAFT',
    "completedAt" TIMESTAMPTZ(3),
    "createdById" UUID,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "StaffTrainingBatch_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "StaffTrainingParticipant" (
    "id" UUID NOT NULL,
    "batchId" UUID NOT NULL,
    "personId" UUID NOT NULL,
    "attendedHours" INTEGER,
    "completed" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "StaffTrainingParticipant_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "StaffTrainingBatch_number_key" ON "StaffTrainingBatch"("number");

-- CreateIndex
CREATE INDEX "StaffTrainingBatch_enterpriseId_status_idx" ON "StaffTrainingBatch"("enterpriseId", "status");

-- CreateIndex
CREATE INDEX "StaffTrainingParticipant_personId_idx" ON "StaffTrainingParticipant"("personId");

-- CreateIndex
CREATE UNIQUE INDEX "StaffTrainingParticipant_batchId_personId_key" ON "StaffTrainingParticipant"("batchId", "personId");

-- AddForeignKey
ALTER TABLE "SubsidyClaim" ADD CONSTRAINT "SubsidyClaim_claimantId_fkey" FOREIGN KEY ("claimantId") REFERENCES "Organization"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SubsidyClaim" ADD CONSTRAINT "SubsidyClaim_claimantPersonId_fkey" FOREIGN KEY ("claimantPersonId") REFERENCES "Person"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "StaffTrainingBatch" ADD CONSTRAINT "StaffTrainingBatch_enterpriseId_fkey" FOREIGN KEY ("enterpriseId") REFERENCES "Organization"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "StaffTrainingBatch" ADD CONSTRAINT "StaffTrainingBatch_regionCode_fkey" FOREIGN KEY ("regionCode") REFERENCES "Region"("code") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "StaffTrainingBatch" ADD CONSTRAINT "StaffTrainingBatch_occupationId_fkey" FOREIGN KEY ("occupationId") REFERENCES "Occupation"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "StaffTrainingParticipant" ADD CONSTRAINT "StaffTrainingParticipant_batchId_fkey" FOREIGN KEY ("batchId") REFERENCES "StaffTrainingBatch"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "StaffTrainingParticipant" ADD CONSTRAINT "StaffTrainingParticipant_personId_fkey" FOREIGN KEY ("personId") REFERENCES "Person"("id") ON DELETE RESTRICT ON UPDATE CASCADE;


-- ───────── Hand-written: rules schema.prisma cannot express (names start with x_) ─────────
ALTER TABLE "SubsidyClaim" ADD CONSTRAINT "x_claim_one_claimant" CHECK (("claimantId" IS NULL) <> ("claimantPersonId" IS NULL));
ALTER TABLE "StaffTrainingBatch" ADD CONSTRAINT "x_staff_training_dates" CHECK ("endDate" >= "startDate" AND "hours" > 0);
