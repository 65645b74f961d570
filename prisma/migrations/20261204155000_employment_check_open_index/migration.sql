-- x_: the undecided employment checks by enrollment: a daily run cuts them into chunks of enrollment-id
-- ranges and each chunk reads its range (a decided check leaves the index).
CREATE INDEX "x_employment_check_open" ON "EmploymentCheck" ("enrollmentId") WHERE "decidedAt" IS NULL;
