-- AlterTable: the enrollment's person and class on each check (backfilled from the enrollment, then required).
ALTER TABLE "EmploymentCheck" ADD COLUMN     "classId" UUID,
ADD COLUMN     "personId" UUID;

UPDATE "EmploymentCheck" k SET "personId" = e."personId", "classId" = e."classId"
FROM "Enrollment" e WHERE e.id = k."enrollmentId";

ALTER TABLE "EmploymentCheck" ALTER COLUMN "classId" SET NOT NULL,
ALTER COLUMN "personId" SET NOT NULL;
