-- DropIndex
DROP INDEX "EmploymentCheck_status_dueOn_idx";

-- CreateIndex
CREATE INDEX "SubsidyClaimLine_enrollmentId_part_idx" ON "SubsidyClaimLine"("enrollmentId", "part");


-- x_: a person's contributions with the wage base, read by index-only scans: an employment-check chunk
-- reads every contribution month of its persons (12 million rows at city scale) without heap visits.
CREATE INDEX "x_contribution_person_month" ON "SocialInsuranceContribution" ("personId", "employerCreditCode", "month") INCLUDE ("wageBaseFen");
