import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { PgConnection, type Tx } from '@vtc/db';
import type { PiiKeys } from '../shared/pii.ts';

/**
 * The uploaded file of an import that runs as a job, kept until the import ends: it holds ID numbers,
 * so it is stored compressed and encrypted in Postgres and never goes to Redis. Rosters keep it in
 * RosterImportFile, contribution imports in ContributionImport.content.
 */
export type ImportFileKind = 'roster' | 'contribution';

const STORE: Record<ImportFileKind, { upsert: string; select: string; clear: string }> = {
  roster: {
    upsert: `INSERT INTO "RosterImportFile" ("importId", content, "createdAt") VALUES ($1::uuid, decode($2, 'base64'), now())
             ON CONFLICT ("importId") DO UPDATE SET content = EXCLUDED.content, "createdAt" = EXCLUDED."createdAt"`,
    select: `SELECT content FROM "RosterImportFile" WHERE "importId" = $1::uuid`,
    clear: `DELETE FROM "RosterImportFile" WHERE "importId" = $1::uuid`,
  },
  contribution: {
    upsert: `UPDATE "ContributionImport" SET content = decode($2, 'base64') WHERE id = $1::uuid`,
    select: `SELECT content FROM "ContributionImport" WHERE id = $1::uuid AND content IS NOT NULL`,
    clear: `UPDATE "ContributionImport" SET content = NULL WHERE id = $1::uuid`,
  },
};

/** The format mark of a sealed file ("VTCR1": rosters used it first; kept so stored files stay readable). */
const FILE_MAGIC = Buffer.from('VTCR1');

/** Raw-deflated, then AES-256-GCM with the ID encryption key, bound to the import id (AAD). */
export function sealImportFile(keys: PiiKeys, importId: string, content: Buffer): Buffer {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', keys.encryptionKey, iv);
  cipher.setAAD(Buffer.from(importId));
  const ct = Buffer.concat([cipher.update(deflateRawSync(content, { level: 1 })), cipher.final()]);
  return Buffer.concat([FILE_MAGIC, iv, cipher.getAuthTag(), ct]);
}

export function openImportFile(keys: PiiKeys, importId: string, sealed: Uint8Array): Buffer {
  const buf = Buffer.from(sealed);
  if (!buf.subarray(0, FILE_MAGIC.length).equals(FILE_MAGIC)) throw new Error('Unsupported import file ciphertext');
  const at = FILE_MAGIC.length;
  const decipher = createDecipheriv('aes-256-gcm', keys.encryptionKey, buf.subarray(at, at + 12));
  decipher.setAAD(Buffer.from(importId));
  decipher.setAuthTag(buf.subarray(at + 12, at + 28));
  return inflateRawSync(Buffer.concat([decipher.update(buf.subarray(at + 28)), decipher.final()]));
}

/** Keep the uploaded file (sealed) until its import ends. Base64 in SQL: Prisma's Bytes path is slow for megabytes. */
export async function storeImportFile(tx: Tx, keys: PiiKeys, kind: ImportFileKind, importId: string, content: Buffer): Promise<void> {
  await tx.$executeRawUnsafe(STORE[kind].upsert, importId, sealImportFile(keys, importId, content).toString('base64'));
}

/** The stored file, opened; null when it is gone. On node-postgres as bytea, through Prisma as base64. */
export async function loadImportFile(db: Tx | PgConnection, keys: PiiKeys, kind: ImportFileKind, importId: string): Promise<Buffer | null> {
  if (db instanceof PgConnection) {
    const [row] = await db.query<{ content: Buffer }>(STORE[kind].select, [importId]);
    return row ? openImportFile(keys, importId, row.content) : null;
  }
  const [row] = await db.$queryRawUnsafe<Array<{ content: string }>>(
    `SELECT encode(content, 'base64') AS content FROM (${STORE[kind].select}) f`,
    importId,
  );
  return row ? openImportFile(keys, importId, Buffer.from(row.content, 'base64')) : null;
}

export async function deleteImportFile(tx: Tx, kind: ImportFileKind, importId: string): Promise<void> {
  await tx.$executeRawUnsafe(STORE[kind].clear, importId);
}
