-- AlterTable
ALTER TABLE "EmploymentCheck" ADD COLUMN     "outcomeHash" VARCHAR(32);

