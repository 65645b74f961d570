-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "RegionLevel" AS ENUM ('PROVINCE', 'CITY', 'COUNTY');

-- CreateEnum
CREATE TYPE "SkillLevel" AS ENUM ('LEVEL_5', 'LEVEL_4', 'LEVEL_3', 'LEVEL_2', 'LEVEL_1');

-- CreateEnum
CREATE TYPE "OrganizationKind" AS ENUM ('TRAINING_INSTITUTION', 'VOCATIONAL_COLLEGE', 'EVALUATION_BODY', 'ENTERPRISE', 'HR_BUREAU');

-- CreateEnum
CREATE TYPE "OrganizationStatus" AS ENUM ('PENDING_REVIEW', 'ACTIVE', 'SUSPENDED', 'REVOKED');

-- CreateEnum
CREATE TYPE "CreditCodeCheck" AS ENUM ('VALID', 'NEEDS_REVIEW');

-- CreateEnum
CREATE TYPE "Sex" AS ENUM ('MALE', 'FEMALE');

-- CreateEnum
CREATE TYPE "HouseholdType" AS ENUM ('URBAN', 'RURAL');

-- CreateEnum
CREATE TYPE "PriorityGroup" AS ENUM ('RURAL_MIGRANT_WORKER', 'POVERTY_RELIEF_LABOUR', 'COLLEGE_GRADUATE', 'UNEMPLOYED', 'VETERAN', 'DISABLED', 'EMPLOYMENT_DIFFICULTY', 'TWO_AFTER_YOUTH', 'FLEXIBLE_WORKER');

-- CreateEnum
CREATE TYPE "UserStatus" AS ENUM ('ACTIVE', 'DISABLED');

-- CreateEnum
CREATE TYPE "Role" AS ENUM ('SYSTEM_ADMIN', 'BUREAU_OFFICER', 'INSTITUTION_STAFF', 'EVALUATOR', 'ENTERPRISE_STAFF', 'TRAINEE');

-- CreateEnum
CREATE TYPE "LabourBrandLevel" AS ENUM ('COUNTY', 'CITY', 'PROVINCE', 'NATIONAL');

-- CreateEnum
CREATE TYPE "TrainingOrderStatus" AS ENUM ('DRAFT', 'OPEN', 'FULFILLED', 'CANCELLED');

-- CreateEnum
CREATE TYPE "TrainingType" AS ENUM ('EMPLOYMENT_SKILLS', 'JOB_SKILL_UPGRADE', 'ENTREPRENEURSHIP');

-- CreateEnum
CREATE TYPE "TrainingMode" AS ENUM ('STANDARD', 'ORDER_BASED', 'PROJECT_BASED');

-- CreateEnum
CREATE TYPE "ClassStatus" AS ENUM ('DRAFT', 'SUBMITTED', 'APPROVED', 'REJECTED', 'IN_PROGRESS', 'COMPLETED', 'SETTLED', 'CANCELLED');

-- CreateEnum
CREATE TYPE "EnrollmentStatus" AS ENUM ('ENROLLED', 'COMPLETED', 'FAILED', 'WITHDRAWN');

-- CreateEnum
CREATE TYPE "RosterImportStatus" AS ENUM ('PENDING', 'RUNNING', 'SUCCEEDED', 'FAILED');

-- CreateEnum
CREATE TYPE "AttendanceMethod" AS ENUM ('MANUAL', 'QR', 'FACE');

-- CreateEnum
CREATE TYPE "ApprenticeshipStatus" AS ENUM ('DRAFT', 'ACTIVE', 'COMPLETED', 'TERMINATED');

-- CreateEnum
CREATE TYPE "AssessmentKind" AS ENUM ('QUALIFICATION', 'SKILL_LEVEL', 'SPECIAL_ABILITY');

-- CreateEnum
CREATE TYPE "AssessmentSessionStatus" AS ENUM ('PLANNED', 'OPEN', 'CLOSED');

-- CreateEnum
CREATE TYPE "AssessmentOutcome" AS ENUM ('PASSED', 'FAILED', 'ABSENT');

-- CreateEnum
CREATE TYPE "CertificateKind" AS ENUM ('SKILL_LEVEL', 'SPECIAL_ABILITY', 'TRAINING_COMPLETION', 'COMPETITION_AWARD');

-- CreateEnum
CREATE TYPE "CertificateStatus" AS ENUM ('ISSUED', 'REVOKED');

-- CreateEnum
CREATE TYPE "CompetitionLevel" AS ENUM ('COUNTY', 'CITY', 'PROVINCE', 'NATIONAL');

-- CreateEnum
CREATE TYPE "CompetitionStatus" AS ENUM ('PLANNED', 'HELD', 'RESULTS_PUBLISHED', 'CANCELLED');

-- CreateEnum
CREATE TYPE "CompetitionAward" AS ENUM ('GOLD', 'SILVER', 'BRONZE', 'MERIT', 'NONE');

-- CreateEnum
CREATE TYPE "EmploymentSource" AS ENUM ('LABOUR_CONTRACT', 'SOCIAL_INSURANCE', 'EMPLOYER_CONFIRMATION', 'SELF_REPORTED');

-- CreateEnum
CREATE TYPE "InsuranceType" AS ENUM ('PENSION', 'UNEMPLOYMENT', 'WORK_INJURY', 'MEDICAL');

-- CreateEnum
CREATE TYPE "SubsidyKind" AS ENUM ('TRAINING', 'CERTIFICATE', 'ENTERPRISE_TRAINING', 'APPRENTICESHIP', 'EMPLOYMENT_BONUS', 'SKILL_UPGRADE');

-- CreateEnum
CREATE TYPE "PolicyStatus" AS ENUM ('DRAFT', 'ACTIVE', 'RETIRED');

-- CreateEnum
CREATE TYPE "ClaimStatus" AS ENUM ('DRAFT', 'SUBMITTED', 'UNDER_REVIEW', 'PUBLIC_NOTICE', 'APPROVED', 'REJECTED', 'PAID', 'WITHDRAWN');

-- CreateEnum
CREATE TYPE "ClaimLineStatus" AS ENUM ('PENDING', 'ACCEPTED', 'REJECTED');

-- CreateEnum
CREATE TYPE "PaymentStatus" AS ENUM ('PENDING', 'SENT', 'CONFIRMED', 'FAILED');

-- CreateEnum
CREATE TYPE "LedgerDirection" AS ENUM ('DEBIT', 'CREDIT');

-- CreateTable
CREATE TABLE "Region" (
    "code" CHAR(6) NOT NULL,
    "name" TEXT NOT NULL,
    "level" "RegionLevel" NOT NULL,
    "parentCode" CHAR(6),

    CONSTRAINT "Region_pkey" PRIMARY KEY ("code")
);

-- CreateTable
CREATE TABLE "Occupation" (
    "id" UUID NOT NULL,
    "code" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "subsidyTier" INTEGER NOT NULL DEFAULT 2,
    "levels" "SkillLevel"[],
    "specialAbility" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Occupation_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Organization" (
    "id" UUID NOT NULL,
    "kind" "OrganizationKind" NOT NULL,
    "name" TEXT NOT NULL,
    "creditCode" CHAR(18) NOT NULL,
    "creditCodeCheck" "CreditCodeCheck" NOT NULL DEFAULT 'VALID',
    "regionCode" CHAR(6) NOT NULL,
    "status" "OrganizationStatus" NOT NULL DEFAULT 'ACTIVE',
    "address" TEXT,
    "contactName" TEXT,
    "contactPhone" TEXT,
    "evaluationCode" CHAR(4),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "Organization_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "OrganizationOccupation" (
    "organizationId" UUID NOT NULL,
    "occupationId" UUID NOT NULL,
    "maxLevel" "SkillLevel",
    "validUntil" DATE,

    CONSTRAINT "OrganizationOccupation_pkey" PRIMARY KEY ("organizationId","occupationId")
);

-- CreateTable
CREATE TABLE "Person" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "idNumberCipher" TEXT NOT NULL,
    "idNumberHash" CHAR(64) NOT NULL,
    "idNumberMasked" CHAR(18) NOT NULL,
    "birthDate" DATE NOT NULL,
    "sex" "Sex" NOT NULL,
    "originRegionCode" CHAR(6) NOT NULL,
    "phone" TEXT,
    "householdType" "HouseholdType",
    "priorityGroups" "PriorityGroup"[],
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "Person_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "User" (
    "id" UUID NOT NULL,
    "username" TEXT NOT NULL,
    "displayName" TEXT NOT NULL,
    "passwordHash" TEXT NOT NULL,
    "status" "UserStatus" NOT NULL DEFAULT 'ACTIVE',
    "failedLoginCount" INTEGER NOT NULL DEFAULT 0,
    "lockedUntil" TIMESTAMPTZ(3),
    "lastLoginAt" TIMESTAMPTZ(3),
    "personId" UUID,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "User_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "RoleBinding" (
    "id" UUID NOT NULL,
    "userId" UUID NOT NULL,
    "role" "Role" NOT NULL,
    "regionCode" CHAR(6),
    "organizationId" UUID,
    "personId" UUID,
    "canViewIdNumbers" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "RoleBinding_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AuthSession" (
    "id" UUID NOT NULL,
    "userId" UUID NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMPTZ(3) NOT NULL,
    "revokedAt" TIMESTAMPTZ(3),
    "userAgent" TEXT,
    "ip" TEXT,

    CONSTRAINT "AuthSession_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "LabourBrand" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "regionCode" CHAR(6) NOT NULL,
    "level" "LabourBrandLevel" NOT NULL,
    "industry" TEXT,
    "description" TEXT,
    "occupationId" UUID,
    "recognizedYear" INTEGER,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "LabourBrand_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "TrainingOrder" (
    "id" UUID NOT NULL,
    "enterpriseId" UUID NOT NULL,
    "institutionId" UUID,
    "occupationId" UUID NOT NULL,
    "level" "SkillLevel",
    "regionCode" CHAR(6) NOT NULL,
    "quantity" INTEGER NOT NULL,
    "hireCommitment" INTEGER NOT NULL,
    "status" "TrainingOrderStatus" NOT NULL DEFAULT 'DRAFT',
    "signedOn" DATE,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "TrainingOrder_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "TrainingClass" (
    "id" UUID NOT NULL,
    "code" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "institutionId" UUID NOT NULL,
    "regionCode" CHAR(6) NOT NULL,
    "occupationId" UUID NOT NULL,
    "level" "SkillLevel",
    "trainingType" "TrainingType" NOT NULL,
    "mode" "TrainingMode" NOT NULL DEFAULT 'STANDARD',
    "status" "ClassStatus" NOT NULL DEFAULT 'DRAFT',
    "plannedHours" INTEGER NOT NULL,
    "startDate" DATE NOT NULL,
    "endDate" DATE NOT NULL,
    "venue" TEXT NOT NULL,
    "teachers" JSONB NOT NULL DEFAULT '[]',
    "capacity" INTEGER NOT NULL,
    "teachingPlan" TEXT,
    "assessmentPlan" TEXT,
    "labourBrandId" UUID,
    "trainingOrderId" UUID,
    "rejectionReason" TEXT,
    "submittedAt" TIMESTAMPTZ(3),
    "decidedAt" TIMESTAMPTZ(3),
    "decidedById" UUID,
    "completedAt" TIMESTAMPTZ(3),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "TrainingClass_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Enrollment" (
    "id" UUID NOT NULL,
    "classId" UUID NOT NULL,
    "personId" UUID NOT NULL,
    "status" "EnrollmentStatus" NOT NULL DEFAULT 'ENROLLED',
    "priorityGroups" "PriorityGroup"[],
    "householdType" "HouseholdType",
    "attendanceRateBp" INTEGER,
    "score" DECIMAL(5,2),
    "completedAt" TIMESTAMPTZ(3),
    "rosterImportId" UUID,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Enrollment_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "RosterImport" (
    "id" UUID NOT NULL,
    "classId" UUID NOT NULL,
    "fileName" TEXT NOT NULL,
    "fileSha256" CHAR(64) NOT NULL,
    "format" TEXT NOT NULL,
    "status" "RosterImportStatus" NOT NULL DEFAULT 'PENDING',
    "totalRows" INTEGER NOT NULL DEFAULT 0,
    "processedRows" INTEGER NOT NULL DEFAULT 0,
    "acceptedRows" INTEGER NOT NULL DEFAULT 0,
    "rejectedRows" INTEGER NOT NULL DEFAULT 0,
    "rowErrors" JSONB NOT NULL DEFAULT '[]',
    "createdById" UUID,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" TIMESTAMPTZ(3),

    CONSTRAINT "RosterImport_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AttendanceSession" (
    "id" UUID NOT NULL,
    "classId" UUID NOT NULL,
    "date" DATE NOT NULL,
    "startsAt" TIMESTAMPTZ(3) NOT NULL,
    "endsAt" TIMESTAMPTZ(3) NOT NULL,
    "minutes" INTEGER NOT NULL,
    "topic" TEXT,
    "closedAt" TIMESTAMPTZ(3),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AttendanceSession_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AttendanceRecord" (
    "id" UUID NOT NULL,
    "sessionId" UUID NOT NULL,
    "enrollmentId" UUID NOT NULL,
    "present" BOOLEAN NOT NULL,
    "method" "AttendanceMethod" NOT NULL DEFAULT 'MANUAL',
    "evidenceRef" TEXT,
    "recordedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "recordedById" UUID,

    CONSTRAINT "AttendanceRecord_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Apprenticeship" (
    "id" UUID NOT NULL,
    "enterpriseId" UUID NOT NULL,
    "institutionId" UUID NOT NULL,
    "personId" UUID NOT NULL,
    "occupationId" UUID NOT NULL,
    "targetLevel" "SkillLevel" NOT NULL,
    "regionCode" CHAR(6) NOT NULL,
    "mentorName" TEXT NOT NULL,
    "startDate" DATE NOT NULL,
    "endDate" DATE NOT NULL,
    "status" "ApprenticeshipStatus" NOT NULL DEFAULT 'DRAFT',
    "contractRef" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "Apprenticeship_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AssessmentSession" (
    "id" UUID NOT NULL,
    "evaluationBodyId" UUID NOT NULL,
    "occupationId" UUID NOT NULL,
    "kind" "AssessmentKind" NOT NULL,
    "level" "SkillLevel",
    "regionCode" CHAR(6) NOT NULL,
    "siteCode" CHAR(6) NOT NULL,
    "classId" UUID,
    "scheduledOn" DATE NOT NULL,
    "status" "AssessmentSessionStatus" NOT NULL DEFAULT 'PLANNED',
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AssessmentSession_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AssessmentResult" (
    "id" UUID NOT NULL,
    "sessionId" UUID NOT NULL,
    "personId" UUID NOT NULL,
    "theoryScore" DECIMAL(5,2),
    "practicalScore" DECIMAL(5,2),
    "outcome" "AssessmentOutcome" NOT NULL,
    "recordedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AssessmentResult_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Certificate" (
    "id" UUID NOT NULL,
    "number" TEXT NOT NULL,
    "kind" "CertificateKind" NOT NULL,
    "personId" UUID NOT NULL,
    "issuerId" UUID NOT NULL,
    "occupationId" UUID,
    "level" "SkillLevel",
    "issuedOn" DATE NOT NULL,
    "status" "CertificateStatus" NOT NULL DEFAULT 'ISSUED',
    "revokedAt" TIMESTAMPTZ(3),
    "revokeReason" TEXT,
    "verifyToken" TEXT NOT NULL,
    "signature" TEXT,
    "assessmentResultId" UUID,
    "enrollmentId" UUID,
    "competitionEntryId" UUID,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Certificate_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SerialCounter" (
    "key" TEXT NOT NULL,
    "value" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "SerialCounter_pkey" PRIMARY KEY ("key")
);

-- CreateTable
CREATE TABLE "Competition" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "level" "CompetitionLevel" NOT NULL,
    "regionCode" CHAR(6) NOT NULL,
    "organizerId" UUID NOT NULL,
    "occupationId" UUID NOT NULL,
    "labourBrandId" UUID,
    "heldOn" DATE NOT NULL,
    "status" "CompetitionStatus" NOT NULL DEFAULT 'PLANNED',
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Competition_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CompetitionEntry" (
    "id" UUID NOT NULL,
    "competitionId" UUID NOT NULL,
    "personId" UUID NOT NULL,
    "rank" INTEGER,
    "award" "CompetitionAward" NOT NULL DEFAULT 'NONE',
    "promotedLevel" "SkillLevel",
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "CompetitionEntry_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "EmploymentRecord" (
    "id" UUID NOT NULL,
    "personId" UUID NOT NULL,
    "enrollmentId" UUID,
    "employerId" UUID,
    "employerCreditCode" CHAR(18),
    "employerName" TEXT,
    "source" "EmploymentSource" NOT NULL,
    "contractStart" DATE,
    "contractEnd" DATE,
    "evidenceRef" TEXT,
    "observedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "EmploymentRecord_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SocialInsuranceContribution" (
    "id" UUID NOT NULL,
    "personId" UUID NOT NULL,
    "employerCreditCode" CHAR(18) NOT NULL,
    "month" CHAR(6) NOT NULL,
    "insuranceType" "InsuranceType" NOT NULL,
    "amountFen" INTEGER NOT NULL,
    "source" TEXT NOT NULL DEFAULT 'SOCIAL_INSURANCE_AGENCY',
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "SocialInsuranceContribution_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SubsidyPolicy" (
    "id" UUID NOT NULL,
    "code" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "regionCode" CHAR(6) NOT NULL,
    "kind" "SubsidyKind" NOT NULL,
    "effectiveFrom" DATE NOT NULL,
    "effectiveTo" DATE,
    "rules" JSONB NOT NULL,
    "sourceDocument" TEXT,
    "status" "PolicyStatus" NOT NULL DEFAULT 'DRAFT',
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "SubsidyPolicy_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SubsidyClaim" (
    "id" UUID NOT NULL,
    "number" TEXT NOT NULL,
    "claimantId" UUID NOT NULL,
    "regionCode" CHAR(6) NOT NULL,
    "policyId" UUID NOT NULL,
    "kind" "SubsidyKind" NOT NULL,
    "status" "ClaimStatus" NOT NULL DEFAULT 'DRAFT',
    "totalFen" BIGINT NOT NULL DEFAULT 0,
    "approvedFen" BIGINT,
    "submittedAt" TIMESTAMPTZ(3),
    "noticeStartsOn" DATE,
    "noticeEndsOn" DATE,
    "decidedAt" TIMESTAMPTZ(3),
    "decidedById" UUID,
    "rejectionReason" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "SubsidyClaim_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SubsidyClaimLine" (
    "id" UUID NOT NULL,
    "claimId" UUID NOT NULL,
    "personId" UUID NOT NULL,
    "enrollmentId" UUID,
    "certificateId" UUID,
    "apprenticeshipId" UUID,
    "kind" "SubsidyKind" NOT NULL,
    "amountFen" INTEGER NOT NULL,
    "subsidyYear" INTEGER NOT NULL,
    "dedupKey" TEXT NOT NULL,
    "status" "ClaimLineStatus" NOT NULL DEFAULT 'PENDING',
    "rejectionReason" TEXT,
    "explanation" JSONB NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "SubsidyClaimLine_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Payment" (
    "id" UUID NOT NULL,
    "claimId" UUID NOT NULL,
    "amountFen" BIGINT NOT NULL,
    "status" "PaymentStatus" NOT NULL DEFAULT 'PENDING',
    "bankReference" TEXT,
    "idempotencyKey" TEXT NOT NULL,
    "paidAt" TIMESTAMPTZ(3),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Payment_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "LedgerEntry" (
    "id" BIGSERIAL NOT NULL,
    "journalId" UUID NOT NULL,
    "account" TEXT NOT NULL,
    "direction" "LedgerDirection" NOT NULL,
    "amountFen" BIGINT NOT NULL,
    "claimId" UUID,
    "paymentId" UUID,
    "memo" TEXT,
    "postedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "postedById" UUID,

    CONSTRAINT "LedgerEntry_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Target" (
    "id" UUID NOT NULL,
    "regionCode" CHAR(6) NOT NULL,
    "year" INTEGER NOT NULL,
    "metric" TEXT NOT NULL,
    "value" INTEGER NOT NULL,
    "unit" TEXT NOT NULL DEFAULT 'person',
    "source" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Target_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AuditLog" (
    "id" BIGSERIAL NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "actorUserId" UUID,
    "actorRole" TEXT,
    "action" TEXT NOT NULL,
    "entityType" TEXT NOT NULL,
    "entityId" TEXT NOT NULL,
    "before" JSONB,
    "after" JSONB,
    "requestId" TEXT,
    "ip" TEXT,

    CONSTRAINT "AuditLog_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "OutboxEvent" (
    "id" BIGSERIAL NOT NULL,
    "type" TEXT NOT NULL,
    "aggregateType" TEXT NOT NULL,
    "aggregateId" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "publishedAt" TIMESTAMPTZ(3),
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "lastError" TEXT,

    CONSTRAINT "OutboxEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Notification" (
    "id" UUID NOT NULL,
    "userId" UUID,
    "personId" UUID,
    "kind" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "sourceEventId" BIGINT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "readAt" TIMESTAMPTZ(3),

    CONSTRAINT "Notification_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Region_parentCode_idx" ON "Region"("parentCode");

-- CreateIndex
CREATE UNIQUE INDEX "Occupation_code_key" ON "Occupation"("code");

-- CreateIndex
CREATE UNIQUE INDEX "Organization_creditCode_key" ON "Organization"("creditCode");

-- CreateIndex
CREATE UNIQUE INDEX "Organization_evaluationCode_key" ON "Organization"("evaluationCode");

-- CreateIndex
CREATE INDEX "Organization_regionCode_kind_idx" ON "Organization"("regionCode", "kind");

-- CreateIndex
CREATE UNIQUE INDEX "Person_idNumberHash_key" ON "Person"("idNumberHash");

-- CreateIndex
CREATE UNIQUE INDEX "User_username_key" ON "User"("username");

-- CreateIndex
CREATE INDEX "RoleBinding_userId_idx" ON "RoleBinding"("userId");

-- CreateIndex
CREATE INDEX "AuthSession_userId_idx" ON "AuthSession"("userId");

-- CreateIndex
CREATE UNIQUE INDEX "LabourBrand_name_key" ON "LabourBrand"("name");

-- CreateIndex
CREATE UNIQUE INDEX "TrainingClass_code_key" ON "TrainingClass"("code");

-- CreateIndex
CREATE INDEX "TrainingClass_institutionId_status_idx" ON "TrainingClass"("institutionId", "status");

-- CreateIndex
CREATE INDEX "TrainingClass_regionCode_status_idx" ON "TrainingClass"("regionCode", "status");

-- CreateIndex
CREATE INDEX "Enrollment_personId_idx" ON "Enrollment"("personId");

-- CreateIndex
CREATE UNIQUE INDEX "Enrollment_classId_personId_key" ON "Enrollment"("classId", "personId");

-- CreateIndex
CREATE UNIQUE INDEX "RosterImport_classId_fileSha256_key" ON "RosterImport"("classId", "fileSha256");

-- CreateIndex
CREATE UNIQUE INDEX "AttendanceSession_classId_startsAt_key" ON "AttendanceSession"("classId", "startsAt");

-- CreateIndex
CREATE UNIQUE INDEX "AttendanceRecord_sessionId_enrollmentId_key" ON "AttendanceRecord"("sessionId", "enrollmentId");

-- CreateIndex
CREATE INDEX "Apprenticeship_personId_idx" ON "Apprenticeship"("personId");

-- CreateIndex
CREATE UNIQUE INDEX "AssessmentResult_sessionId_personId_key" ON "AssessmentResult"("sessionId", "personId");

-- CreateIndex
CREATE UNIQUE INDEX "Certificate_number_key" ON "Certificate"("number");

-- CreateIndex
CREATE UNIQUE INDEX "Certificate_verifyToken_key" ON "Certificate"("verifyToken");

-- CreateIndex
CREATE UNIQUE INDEX "Certificate_assessmentResultId_key" ON "Certificate"("assessmentResultId");

-- CreateIndex
CREATE UNIQUE INDEX "Certificate_competitionEntryId_key" ON "Certificate"("competitionEntryId");

-- CreateIndex
CREATE INDEX "Certificate_personId_idx" ON "Certificate"("personId");

-- CreateIndex
CREATE UNIQUE INDEX "Certificate_enrollmentId_kind_key" ON "Certificate"("enrollmentId", "kind");

-- CreateIndex
CREATE UNIQUE INDEX "CompetitionEntry_competitionId_personId_key" ON "CompetitionEntry"("competitionId", "personId");

-- CreateIndex
CREATE INDEX "EmploymentRecord_personId_idx" ON "EmploymentRecord"("personId");

-- CreateIndex
CREATE UNIQUE INDEX "EmploymentRecord_personId_source_employerCreditCode_contrac_key" ON "EmploymentRecord"("personId", "source", "employerCreditCode", "contractStart");

-- CreateIndex
CREATE UNIQUE INDEX "SocialInsuranceContribution_personId_employerCreditCode_mon_key" ON "SocialInsuranceContribution"("personId", "employerCreditCode", "month", "insuranceType");

-- CreateIndex
CREATE INDEX "SubsidyPolicy_regionCode_kind_idx" ON "SubsidyPolicy"("regionCode", "kind");

-- CreateIndex
CREATE UNIQUE INDEX "SubsidyPolicy_code_version_key" ON "SubsidyPolicy"("code", "version");

-- CreateIndex
CREATE UNIQUE INDEX "SubsidyClaim_number_key" ON "SubsidyClaim"("number");

-- CreateIndex
CREATE INDEX "SubsidyClaim_claimantId_status_idx" ON "SubsidyClaim"("claimantId", "status");

-- CreateIndex
CREATE INDEX "SubsidyClaim_regionCode_status_idx" ON "SubsidyClaim"("regionCode", "status");

-- CreateIndex
CREATE INDEX "SubsidyClaimLine_claimId_idx" ON "SubsidyClaimLine"("claimId");

-- CreateIndex
CREATE INDEX "SubsidyClaimLine_personId_subsidyYear_idx" ON "SubsidyClaimLine"("personId", "subsidyYear");

-- CreateIndex
CREATE INDEX "SubsidyClaimLine_dedupKey_idx" ON "SubsidyClaimLine"("dedupKey");

-- CreateIndex
CREATE UNIQUE INDEX "Payment_idempotencyKey_key" ON "Payment"("idempotencyKey");

-- CreateIndex
CREATE INDEX "LedgerEntry_journalId_idx" ON "LedgerEntry"("journalId");

-- CreateIndex
CREATE INDEX "LedgerEntry_account_idx" ON "LedgerEntry"("account");

-- CreateIndex
CREATE UNIQUE INDEX "Target_regionCode_year_metric_key" ON "Target"("regionCode", "year", "metric");

-- CreateIndex
CREATE INDEX "AuditLog_entityType_entityId_idx" ON "AuditLog"("entityType", "entityId");

-- CreateIndex
CREATE INDEX "AuditLog_actorUserId_at_idx" ON "AuditLog"("actorUserId", "at");

-- CreateIndex
CREATE INDEX "AuditLog_at_idx" ON "AuditLog"("at");

-- CreateIndex
CREATE INDEX "OutboxEvent_publishedAt_id_idx" ON "OutboxEvent"("publishedAt", "id");

-- CreateIndex
CREATE INDEX "Notification_userId_createdAt_idx" ON "Notification"("userId", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "Notification_sourceEventId_kind_key" ON "Notification"("sourceEventId", "kind");

-- AddForeignKey
ALTER TABLE "Region" ADD CONSTRAINT "Region_parentCode_fkey" FOREIGN KEY ("parentCode") REFERENCES "Region"("code") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Organization" ADD CONSTRAINT "Organization_regionCode_fkey" FOREIGN KEY ("regionCode") REFERENCES "Region"("code") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "OrganizationOccupation" ADD CONSTRAINT "OrganizationOccupation_organizationId_fkey" FOREIGN KEY ("organizationId") REFERENCES "Organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "OrganizationOccupation" ADD CONSTRAINT "OrganizationOccupation_occupationId_fkey" FOREIGN KEY ("occupationId") REFERENCES "Occupation"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "User" ADD CONSTRAINT "User_personId_fkey" FOREIGN KEY ("personId") REFERENCES "Person"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RoleBinding" ADD CONSTRAINT "RoleBinding_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RoleBinding" ADD CONSTRAINT "RoleBinding_regionCode_fkey" FOREIGN KEY ("regionCode") REFERENCES "Region"("code") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RoleBinding" ADD CONSTRAINT "RoleBinding_organizationId_fkey" FOREIGN KEY ("organizationId") REFERENCES "Organization"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RoleBinding" ADD CONSTRAINT "RoleBinding_personId_fkey" FOREIGN KEY ("personId") REFERENCES "Person"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AuthSession" ADD CONSTRAINT "AuthSession_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "LabourBrand" ADD CONSTRAINT "LabourBrand_regionCode_fkey" FOREIGN KEY ("regionCode") REFERENCES "Region"("code") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "LabourBrand" ADD CONSTRAINT "LabourBrand_occupationId_fkey" FOREIGN KEY ("occupationId") REFERENCES "Occupation"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TrainingOrder" ADD CONSTRAINT "TrainingOrder_enterpriseId_fkey" FOREIGN KEY ("enterpriseId") REFERENCES "Organization"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TrainingOrder" ADD CONSTRAINT "TrainingOrder_institutionId_fkey" FOREIGN KEY ("institutionId") REFERENCES "Organization"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TrainingOrder" ADD CONSTRAINT "TrainingOrder_occupationId_fkey" FOREIGN KEY ("occupationId") REFERENCES "Occupation"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TrainingOrder" ADD CONSTRAINT "TrainingOrder_regionCode_fkey" FOREIGN KEY ("regionCode") REFERENCES "Region"("code") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TrainingClass" ADD CONSTRAINT "TrainingClass_institutionId_fkey" FOREIGN KEY ("institutionId") REFERENCES "Organization"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TrainingClass" ADD CONSTRAINT "TrainingClass_regionCode_fkey" FOREIGN KEY ("regionCode") REFERENCES "Region"("code") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TrainingClass" ADD CONSTRAINT "TrainingClass_occupationId_fkey" FOREIGN KEY ("occupationId") REFERENCES "Occupation"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TrainingClass" ADD CONSTRAINT "TrainingClass_labourBrandId_fkey" FOREIGN KEY ("labourBrandId") REFERENCES "LabourBrand"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TrainingClass" ADD CONSTRAINT "TrainingClass_trainingOrderId_fkey" FOREIGN KEY ("trainingOrderId") REFERENCES "TrainingOrder"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Enrollment" ADD CONSTRAINT "Enrollment_classId_fkey" FOREIGN KEY ("classId") REFERENCES "TrainingClass"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Enrollment" ADD CONSTRAINT "Enrollment_personId_fkey" FOREIGN KEY ("personId") REFERENCES "Person"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RosterImport" ADD CONSTRAINT "RosterImport_classId_fkey" FOREIGN KEY ("classId") REFERENCES "TrainingClass"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AttendanceSession" ADD CONSTRAINT "AttendanceSession_classId_fkey" FOREIGN KEY ("classId") REFERENCES "TrainingClass"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AttendanceRecord" ADD CONSTRAINT "AttendanceRecord_sessionId_fkey" FOREIGN KEY ("sessionId") REFERENCES "AttendanceSession"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AttendanceRecord" ADD CONSTRAINT "AttendanceRecord_enrollmentId_fkey" FOREIGN KEY ("enrollmentId") REFERENCES "Enrollment"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Apprenticeship" ADD CONSTRAINT "Apprenticeship_enterpriseId_fkey" FOREIGN KEY ("enterpriseId") REFERENCES "Organization"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Apprenticeship" ADD CONSTRAINT "Apprenticeship_institutionId_fkey" FOREIGN KEY ("institutionId") REFERENCES "Organization"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Apprenticeship" ADD CONSTRAINT "Apprenticeship_personId_fkey" FOREIGN KEY ("personId") REFERENCES "Person"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Apprenticeship" ADD CONSTRAINT "Apprenticeship_occupationId_fkey" FOREIGN KEY ("occupationId") REFERENCES "Occupation"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Apprenticeship" ADD CONSTRAINT "Apprenticeship_regionCode_fkey" FOREIGN KEY ("regionCode") REFERENCES "Region"("code") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AssessmentSession" ADD CONSTRAINT "AssessmentSession_evaluationBodyId_fkey" FOREIGN KEY ("evaluationBodyId") REFERENCES "Organization"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AssessmentSession" ADD CONSTRAINT "AssessmentSession_occupationId_fkey" FOREIGN KEY ("occupationId") REFERENCES "Occupation"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AssessmentSession" ADD CONSTRAINT "AssessmentSession_regionCode_fkey" FOREIGN KEY ("regionCode") REFERENCES "Region"("code") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AssessmentSession" ADD CONSTRAINT "AssessmentSession_classId_fkey" FOREIGN KEY ("classId") REFERENCES "TrainingClass"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AssessmentResult" ADD CONSTRAINT "AssessmentResult_sessionId_fkey" FOREIGN KEY ("sessionId") REFERENCES "AssessmentSession"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AssessmentResult" ADD CONSTRAINT "AssessmentResult_personId_fkey" FOREIGN KEY ("personId") REFERENCES "Person"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Certificate" ADD CONSTRAINT "Certificate_personId_fkey" FOREIGN KEY ("personId") REFERENCES "Person"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Certificate" ADD CONSTRAINT "Certificate_issuerId_fkey" FOREIGN KEY ("issuerId") REFERENCES "Organization"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Certificate" ADD CONSTRAINT "Certificate_occupationId_fkey" FOREIGN KEY ("occupationId") REFERENCES "Occupation"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Certificate" ADD CONSTRAINT "Certificate_assessmentResultId_fkey" FOREIGN KEY ("assessmentResultId") REFERENCES "AssessmentResult"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Certificate" ADD CONSTRAINT "Certificate_enrollmentId_fkey" FOREIGN KEY ("enrollmentId") REFERENCES "Enrollment"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Certificate" ADD CONSTRAINT "Certificate_competitionEntryId_fkey" FOREIGN KEY ("competitionEntryId") REFERENCES "CompetitionEntry"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Competition" ADD CONSTRAINT "Competition_regionCode_fkey" FOREIGN KEY ("regionCode") REFERENCES "Region"("code") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Competition" ADD CONSTRAINT "Competition_organizerId_fkey" FOREIGN KEY ("organizerId") REFERENCES "Organization"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Competition" ADD CONSTRAINT "Competition_occupationId_fkey" FOREIGN KEY ("occupationId") REFERENCES "Occupation"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Competition" ADD CONSTRAINT "Competition_labourBrandId_fkey" FOREIGN KEY ("labourBrandId") REFERENCES "LabourBrand"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CompetitionEntry" ADD CONSTRAINT "CompetitionEntry_competitionId_fkey" FOREIGN KEY ("competitionId") REFERENCES "Competition"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CompetitionEntry" ADD CONSTRAINT "CompetitionEntry_personId_fkey" FOREIGN KEY ("personId") REFERENCES "Person"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "EmploymentRecord" ADD CONSTRAINT "EmploymentRecord_personId_fkey" FOREIGN KEY ("personId") REFERENCES "Person"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "EmploymentRecord" ADD CONSTRAINT "EmploymentRecord_enrollmentId_fkey" FOREIGN KEY ("enrollmentId") REFERENCES "Enrollment"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "EmploymentRecord" ADD CONSTRAINT "EmploymentRecord_employerId_fkey" FOREIGN KEY ("employerId") REFERENCES "Organization"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SocialInsuranceContribution" ADD CONSTRAINT "SocialInsuranceContribution_personId_fkey" FOREIGN KEY ("personId") REFERENCES "Person"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SubsidyPolicy" ADD CONSTRAINT "SubsidyPolicy_regionCode_fkey" FOREIGN KEY ("regionCode") REFERENCES "Region"("code") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SubsidyClaim" ADD CONSTRAINT "SubsidyClaim_claimantId_fkey" FOREIGN KEY ("claimantId") REFERENCES "Organization"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SubsidyClaim" ADD CONSTRAINT "SubsidyClaim_regionCode_fkey" FOREIGN KEY ("regionCode") REFERENCES "Region"("code") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SubsidyClaim" ADD CONSTRAINT "SubsidyClaim_policyId_fkey" FOREIGN KEY ("policyId") REFERENCES "SubsidyPolicy"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SubsidyClaimLine" ADD CONSTRAINT "SubsidyClaimLine_claimId_fkey" FOREIGN KEY ("claimId") REFERENCES "SubsidyClaim"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SubsidyClaimLine" ADD CONSTRAINT "SubsidyClaimLine_personId_fkey" FOREIGN KEY ("personId") REFERENCES "Person"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SubsidyClaimLine" ADD CONSTRAINT "SubsidyClaimLine_enrollmentId_fkey" FOREIGN KEY ("enrollmentId") REFERENCES "Enrollment"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SubsidyClaimLine" ADD CONSTRAINT "SubsidyClaimLine_certificateId_fkey" FOREIGN KEY ("certificateId") REFERENCES "Certificate"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SubsidyClaimLine" ADD CONSTRAINT "SubsidyClaimLine_apprenticeshipId_fkey" FOREIGN KEY ("apprenticeshipId") REFERENCES "Apprenticeship"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Payment" ADD CONSTRAINT "Payment_claimId_fkey" FOREIGN KEY ("claimId") REFERENCES "SubsidyClaim"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "LedgerEntry" ADD CONSTRAINT "LedgerEntry_claimId_fkey" FOREIGN KEY ("claimId") REFERENCES "SubsidyClaim"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "LedgerEntry" ADD CONSTRAINT "LedgerEntry_paymentId_fkey" FOREIGN KEY ("paymentId") REFERENCES "Payment"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Target" ADD CONSTRAINT "Target_regionCode_fkey" FOREIGN KEY ("regionCode") REFERENCES "Region"("code") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Notification" ADD CONSTRAINT "Notification_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Notification" ADD CONSTRAINT "Notification_personId_fkey" FOREIGN KEY ("personId") REFERENCES "Person"("id") ON DELETE SET NULL ON UPDATE CASCADE;


-- ───────── Hand-written: rules schema.prisma cannot express (names start with x_) ─────────

-- A subsidised item (same person + occupation + level, same certificate, ...) is paid at most once:
-- only one claim line per dedupKey may be pending or accepted at any time.
CREATE UNIQUE INDEX "x_claim_line_dedup_active" ON "SubsidyClaimLine" ("dedupKey") WHERE "status" <> 'REJECTED';

-- Money is never negative; capacities and hours are positive; date ranges are ordered.
ALTER TABLE "SubsidyClaimLine" ADD CONSTRAINT "x_claim_line_amount_nonneg" CHECK ("amountFen" >= 0);
ALTER TABLE "SubsidyClaim" ADD CONSTRAINT "x_claim_total_nonneg" CHECK ("totalFen" >= 0);
ALTER TABLE "Payment" ADD CONSTRAINT "x_payment_amount_pos" CHECK ("amountFen" > 0);
ALTER TABLE "LedgerEntry" ADD CONSTRAINT "x_ledger_amount_pos" CHECK ("amountFen" > 0);
ALTER TABLE "TrainingClass" ADD CONSTRAINT "x_class_dates" CHECK ("endDate" >= "startDate");
ALTER TABLE "TrainingClass" ADD CONSTRAINT "x_class_capacity_pos" CHECK ("capacity" > 0);
ALTER TABLE "TrainingClass" ADD CONSTRAINT "x_class_hours_pos" CHECK ("plannedHours" > 0);
ALTER TABLE "Apprenticeship" ADD CONSTRAINT "x_apprenticeship_dates" CHECK ("endDate" > "startDate");
ALTER TABLE "AttendanceSession" ADD CONSTRAINT "x_session_times" CHECK ("endsAt" > "startsAt" AND "minutes" > 0);
ALTER TABLE "Enrollment" ADD CONSTRAINT "x_enrollment_rate" CHECK ("attendanceRateBp" IS NULL OR "attendanceRateBp" BETWEEN 0 AND 10000);
ALTER TABLE "TrainingOrder" ADD CONSTRAINT "x_order_quantities" CHECK ("quantity" > 0 AND "hireCommitment" >= 0 AND "hireCommitment" <= "quantity");
ALTER TABLE "SubsidyPolicy" ADD CONSTRAINT "x_policy_dates" CHECK ("effectiveTo" IS NULL OR "effectiveTo" >= "effectiveFrom");

-- The audit log is append-only.
CREATE FUNCTION "x_append_only"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
END $$;
CREATE TRIGGER "x_audit_log_no_update" BEFORE UPDATE OR DELETE ON "AuditLog"
  FOR EACH ROW EXECUTE FUNCTION "x_append_only"();
-- The ledger is append-only too.
CREATE TRIGGER "x_ledger_no_update" BEFORE UPDATE OR DELETE ON "LedgerEntry"
  FOR EACH ROW EXECUTE FUNCTION "x_append_only"();
