-- CreateEnum
CREATE TYPE "SubsidyClaimKind" AS ENUM ('TRAINING', 'CLASS_HOUR', 'EMPLOYMENT_UPLIFT', 'CERTIFICATE', 'ENTERPRISE_TRAINING', 'ENTERPRISE_SELF_EVALUATION', 'SKILL_UPGRADE', 'APPRENTICESHIP_PREPAYMENT', 'APPRENTICESHIP_SETTLEMENT', 'OUTCOME');

-- CreateEnum
CREATE TYPE "ClaimLinePart" AS ENUM ('MAIN', 'EMPLOYMENT_UPLIFT', 'PREPAYMENT', 'BALANCE', 'CLAWBACK');

-- AlterEnum
-- This migration adds more than one value to an enum.
-- With PostgreSQL versions 11 and earlier, this is not possible
-- in a single migration. This can be worked around by creating
-- multiple migrations, each migration adding only one value to
-- the enum.


ALTER TYPE "SubsidyKind" ADD VALUE 'CLASS_HOUR';
ALTER TYPE "SubsidyKind" ADD VALUE 'ENTERPRISE_SELF_EVALUATION';
ALTER TYPE "SubsidyKind" ADD VALUE 'OUTCOME';

-- AlterEnum
ALTER TYPE "PolicyStatus" ADD VALUE 'PUBLISHED';

-- AlterTable
ALTER TABLE "SubsidyClaim" ADD COLUMN     "basisRef" TEXT NOT NULL,
ADD COLUMN     "claimKind" "SubsidyClaimKind" NOT NULL,
ADD COLUMN     "computation" JSONB NOT NULL;

-- AlterTable
ALTER TABLE "SubsidyClaimLine" ADD COLUMN     "basisRef" TEXT NOT NULL,
ADD COLUMN     "countsTowardLimit" BOOLEAN NOT NULL,
ADD COLUMN     "level" "SkillLevel",
ADD COLUMN     "limitSlot" INTEGER,
ADD COLUMN     "occupationCode" TEXT,
ADD COLUMN     "part" "ClaimLinePart" NOT NULL DEFAULT 'MAIN';


-- ───────── Hand-written: rules schema.prisma cannot express (names start with x_) ─────────
-- The n-th counted subsidy of a person's calendar year is held by one live line only: two claims
-- racing for the same person's last yearly slot cannot both be written.
CREATE UNIQUE INDEX "x_claim_line_limit_slot" ON "SubsidyClaimLine" ("personId", "subsidyYear", "limitSlot") WHERE "status" <> 'REJECTED' AND "limitSlot" IS NOT NULL;
-- A claw-back line is negative; every other line pays a non-negative amount.
ALTER TABLE "SubsidyClaimLine" DROP CONSTRAINT "x_claim_line_amount_nonneg";
ALTER TABLE "SubsidyClaimLine" ADD CONSTRAINT "x_claim_line_amount_sign" CHECK ("amountFen" >= 0 OR "part" = 'CLAWBACK');
