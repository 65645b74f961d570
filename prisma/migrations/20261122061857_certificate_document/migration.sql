-- CreateTable
CREATE TABLE "CertificateDocument" (
    "certificateId" UUID NOT NULL,
    "pdf" BYTEA NOT NULL,
    "sha256" CHAR(64) NOT NULL,
    "renderedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "CertificateDocument_pkey" PRIMARY KEY ("certificateId")
);

-- AddForeignKey
ALTER TABLE "CertificateDocument" ADD CONSTRAINT "CertificateDocument_certificateId_fkey" FOREIGN KEY ("certificateId") REFERENCES "Certificate"("id") ON DELETE CASCADE ON UPDATE CASCADE;

