-- AlterTable
ALTER TABLE "RosterImport" ADD COLUMN     "progressedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
ADD COLUMN     "requeues" INTEGER NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "ContributionImport" ADD COLUMN     "progressedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
ADD COLUMN     "requeues" INTEGER NOT NULL DEFAULT 0;

-- CreateTable
CREATE TABLE "CertificateRenderFailure" (
    "certificateId" UUID NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "lastError" TEXT NOT NULL,
    "failedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "CertificateRenderFailure_pkey" PRIMARY KEY ("certificateId")
);

-- AddForeignKey
ALTER TABLE "CertificateRenderFailure" ADD CONSTRAINT "CertificateRenderFailure_certificateId_fkey" FOREIGN KEY ("certificateId") REFERENCES "Certificate"("id") ON DELETE CASCADE ON UPDATE CASCADE;


-- Hand-written (x_): an import's "progressedAt" moves whenever its status or processedRows does, so the
-- import sweeper can tell an import that is moving from one whose job Redis lost. Every writer of the
-- counters (upload, chunk, finish, fail) is covered without each having to remember the column.
CREATE FUNCTION "x_import_progressed"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW."processedRows" IS DISTINCT FROM OLD."processedRows" OR NEW.status IS DISTINCT FROM OLD.status THEN
    NEW."progressedAt" := now();
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER "x_roster_import_progressed" BEFORE UPDATE ON "RosterImport"
  FOR EACH ROW EXECUTE FUNCTION "x_import_progressed"();
CREATE TRIGGER "x_contribution_import_progressed" BEFORE UPDATE ON "ContributionImport"
  FOR EACH ROW EXECUTE FUNCTION "x_import_progressed"();

-- Hand-written (x_): the sweeper finds the request event (and so the job id) of an import by its id.
CREATE INDEX "x_outbox_import_requested" ON "OutboxEvent" ("aggregateId", "id")
  WHERE "type" IN ('roster.import.requested', 'contribution.import.requested');
