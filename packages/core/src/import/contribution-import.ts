import { createHash } from 'node:crypto';
import { type PrismaClient, type Tx, transaction } from '@vtc/db';
import { DomainError } from '@vtc/domain';
import { OUTBOX_EVENT_TYPES } from '@vtc/jobs';
import { isBureauCovering, notFound } from '../shared/access.ts';
import type { Actor } from '../shared/actor.ts';
import { audit } from '../shared/audit.ts';
import {
  CONTRIBUTION_CHUNK_ROWS,
  CONTRIBUTION_INLINE_MAX_ROWS,
  CONTRIBUTION_STORED_ERRORS,
  type ContributionRowError,
  monthKey,
  type ParsedContributionFile,
  parseContributionFile,
  type RawContributionRow,
  validateContributionRows,
} from './contribution-file.ts';
import { emit } from '../shared/outbox.ts';
import { idNumberHasher, type PiiKeys } from '../shared/pii.ts';
import { openImportFile, sealImportFile } from './roster-import.ts';

/**
 * Social-insurance contribution (社保缴费) import by a bureau, for its region.
 *
 * Semantics: VALID ROWS IN, KNOWN PERSONS ONLY.
 * - Every row is validated (contribution-file.ts); rejected rows are listed with row, field, code and
 *   reason (zh/en). A row repeating an earlier row's person, employer, month and type is rejected.
 * - Valid rows whose ID number (keyed hash) matches no Person are counted as `unmatchedRows` and not
 *   stored: the platform holds data of its own trainees only (PIPL data minimisation); the agency's
 *   file lists every insured person of the region.
 * - Matched rows are upserted on (person, employer credit code, month, insurance type): a corrected
 *   re-export of the agency updates amount and base.
 * - The same file (SHA-256) uploaded again for the same region returns the earlier import and writes
 *   nothing; a FAILED import is resumed.
 * - Up to CONTRIBUTION_INLINE_MAX_ROWS rows: the whole file in the request, one transaction. Larger:
 *   the file is kept deflated and AES-GCM encrypted in ContributionImport.content, the outbox event
 *   `contribution.import.requested` becomes the `contribution-import` job on the `imports` queue,
 *   which imports chunks of CONTRIBUTION_CHUNK_ROWS rows, each one transaction together with the
 *   import's counters (so progress is exact and a retry resumes after the last committed chunk);
 *   the content is cleared when the import ends (SUCCEEDED or FAILED).
 * - Sources other than files plug in through `ContributionFeed`.
 */

export const CONTRIBUTION_EVENTS = {
  requested: OUTBOX_EVENT_TYPES.contributionImportRequested,
  imported: 'contribution.imported',
} as const;

// ───────────────────────────── feeds ─────────────────────────────

/**
 * A source of contribution rows for a region. The file implementation reads an uploaded file; a live
 * feed from the social-insurance agency can implement the same interface later. Rows carry a stable
 * `row` number (a file's sheet row, or a feed's sequence) so an interrupted import can resume.
 */
export interface ContributionFeed {
  /** Rows for `regionCode`, optionally only those of `month` ('YYYYMM'), in a stable order. */
  months(regionCode: string, month?: string): AsyncIterable<RawContributionRow>;
}

/** The rows of an uploaded CSV/XLSX file (already parsed: parsing refuses a bad file before anything is written). */
export class FileContributionFeed implements ContributionFeed {
  constructor(readonly file: ParsedContributionFile) {}

  static async fromFile(content: Buffer, hints: { fileName?: string; contentType?: string } = {}): Promise<FileContributionFeed> {
    return new FileContributionFeed(await parseContributionFile(content, hints));
  }

  async *months(_regionCode: string, month?: string): AsyncIterable<RawContributionRow> {
    for (const row of this.file.rows) {
      if (month === undefined || monthKey(row.month ?? '') === month) yield row;
    }
  }
}

// ───────────────────────────── summary ─────────────────────────────

export type ContributionImportStatus = 'PENDING' | 'RUNNING' | 'SUCCEEDED' | 'FAILED';

export interface ContributionImportSummary {
  importId: string;
  regionCode: string;
  status: ContributionImportStatus;
  fileName: string;
  format: string;
  totalRows: number;
  processedRows: number;
  acceptedRows: number;
  unmatchedRows: number;
  rejectedRows: number;
  percent: number;
  errors: ContributionRowError[];
  failureReason: string | null;
  reused: boolean;
}

interface ImportRow {
  id: string;
  regionCode: string;
  status: ContributionImportStatus;
  fileName: string;
  format: string;
  totalRows: number;
  processedRows: number;
  acceptedRows: number;
  unmatchedRows: number;
  rejectedRows: number;
  rowErrors: unknown;
  failureReason: string | null;
}

export function contributionImportPercent(i: { status: string; totalRows: number; processedRows: number }): number {
  if (i.status === 'SUCCEEDED') return 100;
  if (i.totalRows <= 0) return 0;
  return Math.min(100, Math.floor((i.processedRows * 100) / i.totalRows));
}

function summary(i: ImportRow, reused: boolean): ContributionImportSummary {
  return {
    importId: i.id,
    regionCode: i.regionCode,
    status: i.status,
    fileName: i.fileName,
    format: i.format,
    totalRows: i.totalRows,
    processedRows: i.processedRows,
    acceptedRows: i.acceptedRows,
    unmatchedRows: i.unmatchedRows,
    rejectedRows: i.rejectedRows,
    percent: contributionImportPercent(i),
    errors: (Array.isArray(i.rowErrors) ? (i.rowErrors as ContributionRowError[]) : []).slice(0, 1000),
    failureReason: i.failureReason,
    reused,
  };
}

// ───────────────────────────── upload ─────────────────────────────

export interface UploadContributionsInput {
  content: Buffer;
  fileName?: string | null;
  contentType?: string | null;
  /** The bureau's region; may be omitted when the actor is bureau staff of exactly one region. */
  regionCode?: string | null;
}

export interface ContributionImportOptions {
  today?: Date;
  /** Files with more rows run as a job (default CONTRIBUTION_INLINE_MAX_ROWS). */
  inlineMaxRows?: number;
}

/** The region a bureau user imports for: given and covered by one of its bindings, or its only one. */
function importRegion(actor: Actor, given: string | null | undefined): string {
  const admin = actor.roles.some((r) => r.role === 'SYSTEM_ADMIN');
  const bureaus = [...new Set(actor.roles.filter((r) => r.role === 'BUREAU_OFFICER' && r.regionCode).map((r) => r.regionCode!))];
  if (!admin && bureaus.length === 0) {
    throw new DomainError('FORBIDDEN', { zh: '只有人社部门可以导入社保缴费数据', en: 'Only HR & social security bureaus may import contributions' });
  }
  if (given) {
    if (!admin && !isBureauCovering(actor, given)) {
      throw new DomainError(
        'FORBIDDEN',
        { zh: `无权为行政区划${given}导入社保缴费数据`, en: `You may not import contributions for region ${given}` },
        { field: 'regionCode' },
      );
    }
    return given;
  }
  if (bureaus.length !== 1) {
    throw new DomainError('VALIDATION', { zh: '请指定导入的行政区划', en: 'Give the region (regionCode) to import for' }, { field: 'regionCode' });
  }
  return bureaus[0]!;
}

function cleanFileName(name: string | null | undefined, format: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: strip control characters from a header value
  const cleaned = (name ?? '').replace(/[\u0000-\u001f\u007f/\\]/g, '').trim().slice(0, 200);
  return cleaned || `contributions.${format}`;
}

const isUniqueViolation = (err: unknown) => typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 'P2002';

/**
 * Upload a contribution file for a region. Small files are imported before this returns
 * (SUCCEEDED); larger ones are stored encrypted and queued (PENDING) through the outbox.
 */
export async function uploadContributions(
  prisma: PrismaClient,
  keys: PiiKeys,
  actor: Actor,
  input: UploadContributionsInput,
  options: ContributionImportOptions = {},
): Promise<ContributionImportSummary> {
  const regionCode = importRegion(actor, input.regionCode);
  const region = await prisma.region.findUnique({ where: { code: regionCode }, select: { code: true } });
  if (!region) throw notFound('Region', '行政区划');
  const sha = createHash('sha256').update(input.content).digest('hex');
  const existing = await prisma.contributionImport.findUnique({ where: { regionCode_fileSha256: { regionCode, fileSha256: sha } } });
  if (existing && existing.status !== 'FAILED') return summary(existing, true);

  const feed = await FileContributionFeed.fromFile(input.content, {
    fileName: input.fileName ?? undefined,
    contentType: input.contentType ?? undefined,
  });
  const parsed = feed.file;
  const inline = parsed.rows.length <= (options.inlineMaxRows ?? CONTRIBUTION_INLINE_MAX_ROWS);
  const today = options.today ?? new Date();
  const start = (tx: Tx, status: 'RUNNING' | 'PENDING') =>
    existing
      ? tx.contributionImport.update({
          where: { id: existing.id },
          data: { status, totalRows: parsed.rows.length, failureReason: null, finishedAt: null },
        })
      : tx.contributionImport.create({
          data: {
            regionCode,
            fileName: cleanFileName(input.fileName, parsed.format),
            fileSha256: sha,
            format: parsed.format,
            status,
            totalRows: parsed.rows.length,
            createdById: actor.userId,
          },
        });
  try {
    if (inline) {
      return await transaction(
        prisma,
        async (tx) => {
          const imp = await start(tx, 'RUNNING');
          const rows = await collect(feed, regionCode);
          const seen = new Map<string, number>();
          validateContributionRows(rows.slice(0, imp.processedRows), today, seen);
          for (let from = imp.processedRows; from < rows.length; from += CONTRIBUTION_CHUNK_ROWS) {
            await importChunk(tx, keys, imp.id, rows, from, Math.min(rows.length, from + CONTRIBUTION_CHUNK_ROWS), seen, today);
          }
          return summary(await finish(tx, imp.id, actor), false);
        },
        { timeoutMs: 60_000 },
      );
    }
    const queued = await transaction(prisma, async (tx) => {
      const imp = await start(tx, 'PENDING');
      const sealed = sealImportFile(keys, imp.id, input.content).toString('base64');
      await tx.$executeRaw`UPDATE "ContributionImport" SET content = decode(${sealed}, 'base64') WHERE id = ${imp.id}::uuid`;
      await emit(tx, { type: CONTRIBUTION_EVENTS.requested, aggregateType: 'ContributionImport', aggregateId: imp.id, payload: { regionCode } });
      return imp;
    });
    return summary(queued, false);
  } catch (err) {
    if (isUniqueViolation(err)) {
      const winner = await prisma.contributionImport.findUniqueOrThrow({ where: { regionCode_fileSha256: { regionCode, fileSha256: sha } } });
      return summary(winner, true);
    }
    throw err;
  }
}

async function collect(feed: ContributionFeed, regionCode: string): Promise<RawContributionRow[]> {
  const rows: RawContributionRow[] = [];
  for await (const row of feed.months(regionCode)) rows.push(row);
  return rows;
}

// ───────────────────────────── one chunk (one transaction) ─────────────────────────────

/**
 * Validates rows [from, to), upserts the matched ones in one statement and moves the import's
 * counters, all in the caller's transaction. The counter update is conditional on processedRows
 * = from, so a chunk can never be counted twice.
 */
async function importChunk(
  tx: Tx,
  keys: PiiKeys,
  importId: string,
  rows: readonly RawContributionRow[],
  from: number,
  to: number,
  seen: Map<string, number>,
  today: Date,
): Promise<void> {
  const outcomes = validateContributionRows(rows.slice(from, to), today, seen);
  const hash = idNumberHasher(keys);
  const errors: ContributionRowError[] = [];
  const input: Array<{ h: string; c: string; m: string; t: string; a: number; w: number | null }> = [];
  for (const o of outcomes) {
    if (!o.ok) errors.push(...o.errors);
    else {
      const v = o.value;
      input.push({ h: hash(v.idNumber), c: v.employerCreditCode, m: v.month, t: v.insuranceType, a: v.amountFen, w: v.wageBaseFen });
    }
  }
  let accepted = 0;
  if (input.length > 0) {
    const [r] = await tx.$queryRaw<Array<{ accepted: number }>>`
      WITH input AS (
        SELECT * FROM jsonb_to_recordset(${JSON.stringify(input)}::jsonb) AS x(h text, c text, m text, t text, a int, w int)
      ), up AS (
        INSERT INTO "SocialInsuranceContribution"
          (id, "personId", "employerCreditCode", month, "insuranceType", "amountFen", "wageBaseFen", source, "importId", "createdAt")
        SELECT gen_random_uuid(), p.id, input.c, input.m, input.t::"InsuranceType", input.a, input.w,
               'SOCIAL_INSURANCE_AGENCY', ${importId}::uuid, now()
          FROM input JOIN "Person" p ON p."idNumberHash" = input.h
        ON CONFLICT ("personId", "employerCreditCode", month, "insuranceType") DO UPDATE
          SET "amountFen" = EXCLUDED."amountFen", "wageBaseFen" = EXCLUDED."wageBaseFen",
              source = EXCLUDED.source, "importId" = EXCLUDED."importId"
        RETURNING 1
      )
      SELECT count(*)::int AS accepted FROM up`;
    accepted = r?.accepted ?? 0;
  }
  const unmatched = input.length - accepted;
  const rejected = outcomes.length - input.length;
  const moved = await tx.$executeRaw`
    UPDATE "ContributionImport"
       SET "processedRows" = ${to}, "acceptedRows" = "acceptedRows" + ${accepted},
           "unmatchedRows" = "unmatchedRows" + ${unmatched}, "rejectedRows" = "rejectedRows" + ${rejected},
           status = 'RUNNING',
           "rowErrors" = "rowErrors" || coalesce(
             (SELECT jsonb_agg(x.e ORDER BY x.i) FROM jsonb_array_elements(${JSON.stringify(errors.slice(0, CONTRIBUTION_STORED_ERRORS))}::jsonb)
                     WITH ORDINALITY AS x(e, i)
               WHERE x.i <= ${CONTRIBUTION_STORED_ERRORS} - jsonb_array_length("ContributionImport"."rowErrors")), '[]'::jsonb)
     WHERE id = ${importId}::uuid AND "processedRows" = ${from} AND status <> 'SUCCEEDED'`;
  if (moved !== 1) throw new Error(`contribution import ${importId}: chunk at row ${from} was already imported`);
}

async function finish(tx: Tx, importId: string, actor: Actor | null): Promise<ImportRow> {
  const imp = await tx.contributionImport.update({
    where: { id: importId },
    data: { status: 'SUCCEEDED', finishedAt: new Date(), content: null, failureReason: null },
  });
  const counts = {
    regionCode: imp.regionCode,
    format: imp.format,
    totalRows: imp.totalRows,
    acceptedRows: imp.acceptedRows,
    unmatchedRows: imp.unmatchedRows,
    rejectedRows: imp.rejectedRows,
  };
  await audit(tx, actor, { action: 'contribution.imported', entityType: 'ContributionImport', entityId: imp.id, after: counts });
  await emit(tx, {
    type: CONTRIBUTION_EVENTS.imported,
    aggregateType: 'ContributionImport',
    aggregateId: imp.id,
    payload: { regionCode: imp.regionCode, acceptedRows: imp.acceptedRows },
  });
  return imp;
}

// ───────────────────────────── the job ─────────────────────────────

export interface RunContributionImportOptions {
  today?: Date;
  chunkRows?: number;
  /** Called after each committed chunk (the job reports it with job.updateProgress). */
  onProgress?: (p: { percent: number; processedRows: number; totalRows: number }) => Promise<void> | void;
  /** Test hook after each committed chunk; throwing simulates a crash between chunks. */
  afterChunk?: (p: { processedRows: number }) => Promise<void> | void;
  /** Mark the import FAILED on any error (the job's last attempt); otherwise only on DomainErrors. */
  failOnAnyError?: boolean;
}

/**
 * Run (or resume) a queued import from its processedRows. After SUCCEEDED it does nothing. A file
 * that is gone or unreadable marks the import FAILED (DomainError, not retried).
 */
export async function runContributionImport(
  prisma: PrismaClient,
  keys: PiiKeys,
  importId: string,
  options: RunContributionImportOptions = {},
): Promise<ContributionImportSummary> {
  const imp = await prisma.contributionImport.findUnique({
    where: { id: importId },
    omit: { content: true },
  });
  if (!imp) throw notFound('ContributionImport', '缴费导入记录');
  if (imp.status === 'SUCCEEDED') return summary(imp, true);
  const today = options.today ?? new Date();
  try {
    const [stored] = await prisma.$queryRaw<Array<{ content: string | null }>>`
      SELECT encode(content, 'base64') AS content FROM "ContributionImport" WHERE id = ${importId}::uuid`;
    if (!stored?.content) {
      throw new DomainError('NOT_FOUND', { zh: '导入文件已不存在,请重新上传', en: 'The uploaded file is no longer stored; upload it again' });
    }
    const content = openImportFile(keys, importId, Buffer.from(stored.content, 'base64'));
    const feed = await FileContributionFeed.fromFile(content, { fileName: imp.fileName });
    const rows = await collect(feed, imp.regionCode);
    if (imp.status !== 'RUNNING' || imp.totalRows !== rows.length) {
      await prisma.contributionImport.update({ where: { id: importId }, data: { status: 'RUNNING', totalRows: rows.length } });
    }
    const seen = new Map<string, number>();
    validateContributionRows(rows.slice(0, imp.processedRows), today, seen);
    const size = options.chunkRows ?? CONTRIBUTION_CHUNK_ROWS;
    for (let from = imp.processedRows; from < rows.length; from += size) {
      const to = Math.min(rows.length, from + size);
      await transaction(prisma, (tx) => importChunk(tx, keys, importId, rows, from, to, seen, today), { timeoutMs: 60_000 });
      await options.onProgress?.({
        processedRows: to,
        totalRows: rows.length,
        percent: contributionImportPercent({ status: 'RUNNING', processedRows: to, totalRows: rows.length }),
      });
      await options.afterChunk?.({ processedRows: to });
    }
    const actor: Actor | null = imp.createdById
      ? {
          userId: imp.createdById,
          username: '',
          sessionId: null,
          roles: [{ role: 'BUREAU_OFFICER', regionCode: imp.regionCode, organizationId: null, personId: null, canViewIdNumbers: false }],
        }
      : null;
    const done = await transaction(prisma, async (tx) => {
      const [row] = await tx.$queryRaw<Array<{ status: string }>>`
        SELECT status::text AS status FROM "ContributionImport" WHERE id = ${importId}::uuid FOR UPDATE`;
      if (row?.status === 'SUCCEEDED') return tx.contributionImport.findUniqueOrThrow({ where: { id: importId }, omit: { content: true } });
      return finish(tx, importId, actor);
    });
    return summary(done, false);
  } catch (err) {
    if (err instanceof DomainError || options.failOnAnyError) {
      await prisma.contributionImport.updateMany({
        where: { id: importId, status: { not: 'SUCCEEDED' } },
        data: {
          status: 'FAILED',
          finishedAt: new Date(),
          content: null,
          failureReason: err instanceof DomainError ? `${err.code}: ${err.localized.zh} / ${err.message}` : 'internal error',
        },
      });
    }
    throw err;
  }
}
