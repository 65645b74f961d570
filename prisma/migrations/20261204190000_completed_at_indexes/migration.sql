-- The daily employment-check run ensures checks only for enrollments completed in the last month: it finds
-- them by their own completion time, or by their class's when they have none.
CREATE INDEX "x_enrollment_completed_at" ON "Enrollment" ("completedAt") WHERE "completedAt" IS NOT NULL;
CREATE INDEX "x_training_class_completed_at" ON "TrainingClass" ("completedAt") WHERE "completedAt" IS NOT NULL;
