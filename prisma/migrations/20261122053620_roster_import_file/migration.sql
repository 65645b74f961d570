-- CreateTable
CREATE TABLE "RosterImportFile" (
    "importId" UUID NOT NULL,
    "content" BYTEA NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "RosterImportFile_pkey" PRIMARY KEY ("importId")
);

-- AddForeignKey
ALTER TABLE "RosterImportFile" ADD CONSTRAINT "RosterImportFile_importId_fkey" FOREIGN KEY ("importId") REFERENCES "RosterImport"("id") ON DELETE CASCADE ON UPDATE CASCADE;

