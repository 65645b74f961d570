-- AlterEnum
ALTER TYPE "AssessmentOutcome" ADD VALUE 'PENDING';

-- AlterTable
ALTER TABLE "AssessmentSession" ADD COLUMN     "closedAt" TIMESTAMPTZ(3),
ADD COLUMN     "passPracticalScore" INTEGER NOT NULL DEFAULT 60,
ADD COLUMN     "passTheoryScore" INTEGER NOT NULL DEFAULT 60;

-- AlterTable
ALTER TABLE "Certificate" ADD COLUMN     "signatureKeyId" TEXT,
ADD COLUMN     "signedPayload" JSONB;

