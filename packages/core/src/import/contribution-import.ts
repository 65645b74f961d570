import { type PrismaClient, prismaSqlSession, type Tx, transaction } from '@vtc/db';
import {
  CONTRIBUTION_CHUNK_ROWS,
  CONTRIBUTION_INLINE_MAX_ROWS,
  CONTRIBUTION_STORED_ERRORS,
  type ContributionRowError,
  contributionImportPercent,
  DomainError,
  isDomainError,
  monthKey,
  type RawContributionRow,
  validateContributionRows,
} from '@vtc/domain';
import { OUTBOX_EVENT_TYPES } from '@vtc/jobs';
import { isBureauCovering, notFound } from '../shared/access.ts';
import type { Actor } from '../shared/actor.ts';
import { idNumberHasher, type PiiKeys } from '../shared/pii.ts';
import { type ParsedContributionFile, parseContributionFile } from './contribution-file.ts';
import { loadImportFile } from './import-file.ts';
import { advanceImport, type ImportJobOptions, type ImportStatus, recordImportSucceeded, runImportJob, uploaderActor } from './import-run.ts';
import { uploadImportFile } from './upload.ts';

/**
 * Social-insurance contribution (社保缴费) import by a bureau, for its region.
 *
 * Semantics: VALID ROWS IN, KNOWN PERSONS ONLY.
 * - Every row is validated (domain import/contribution.ts); rejected rows are listed with row, field, code and
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

export { contributionImportPercent };

export type ContributionImportStatus = ImportStatus;

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

interface ContributionImportRow {
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

/** Row errors returned in a summary (the import keeps up to CONTRIBUTION_STORED_ERRORS). */
const CONTRIBUTION_RESPONSE_ERRORS = 1_000;

function summary(i: ContributionImportRow, reused: boolean): ContributionImportSummary {
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
    errors: (Array.isArray(i.rowErrors) ? (i.rowErrors as ContributionRowError[]) : []).slice(0, CONTRIBUTION_RESPONSE_ERRORS),
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
  const today = options.today ?? new Date();
  return uploadImportFile(prisma, keys, {
    kind: 'contribution',
    content: input.content,
    fileName: input.fileName,
    contentType: input.contentType,
    defaultName: 'contributions',
    inlineMaxRows: options.inlineMaxRows ?? CONTRIBUTION_INLINE_MAX_ROWS,
    find: (sha) => prisma.contributionImport.findUnique({ where: { regionCode_fileSha256: { regionCode, fileSha256: sha } }, omit: { content: true } }),
    parse: parseContributionFile,
    lock: async () => regionCode,
    create: (tx, _, row) => tx.contributionImport.create({ data: { ...row, regionCode, createdById: actor.userId }, omit: { content: true } }),
    restart: (tx, imp, row) =>
      tx.contributionImport.update({ where: { id: imp.id }, data: { ...row, failureReason: null, finishedAt: null }, omit: { content: true } }),
    async importInline(tx, imp, _, parsed) {
      const rows = await collect(new FileContributionFeed(parsed), regionCode);
      const seen = new Map<string, number>();
      const hash = idNumberHasher(keys);
      validateContributionRows(rows.slice(0, imp.processedRows), today, seen);
      for (let from = imp.processedRows; from < rows.length; from += CONTRIBUTION_CHUNK_ROWS) {
        await importChunk(tx, hash, imp.id, rows, from, Math.min(rows.length, from + CONTRIBUTION_CHUNK_ROWS), seen, today);
      }
      return summary(await finish(tx, imp.id, actor), false);
    },
    requested: { type: CONTRIBUTION_EVENTS.requested, aggregateType: 'ContributionImport', payload: () => ({ regionCode }) },
    summary,
  });
}

async function collect(feed: ContributionFeed, regionCode: string): Promise<RawContributionRow[]> {
  const rows: RawContributionRow[] = [];
  for await (const row of feed.months(regionCode)) rows.push(row);
  return rows;
}

// ───────────────────────────── one chunk (one transaction) ─────────────────────────────

/**
 * Validates rows [from, to), upserts the matched ones in one statement and moves the import's
 * counters, all in the caller's transaction (advanceImport: a chunk is never counted twice).
 */
async function importChunk(
  tx: Tx,
  hash: (idNumber: string) => string,
  importId: string,
  rows: readonly RawContributionRow[],
  from: number,
  to: number,
  seen: Map<string, number>,
  today: Date,
): Promise<void> {
  const outcomes = validateContributionRows(rows.slice(from, to), today, seen);
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
  const outcome = { accepted, unmatched: input.length - accepted, errors };
  if (!(await advanceImport(prismaSqlSession(tx), 'ContributionImport', importId, { from, to }, outcome, CONTRIBUTION_STORED_ERRORS))) {
    throw new Error(`contribution import ${importId}: chunk at row ${from} was already imported`);
  }
}

/** Mark the import SUCCEEDED, drop its stored file, write the audit row and the outbox event. */
async function finish(tx: Tx, importId: string, actor: Actor | null): Promise<ContributionImportRow> {
  const imp = await tx.contributionImport.update({
    where: { id: importId },
    data: { status: 'SUCCEEDED', finishedAt: new Date(), failureReason: null },
    omit: { content: true },
  });
  const counts = {
    regionCode: imp.regionCode,
    format: imp.format,
    totalRows: imp.totalRows,
    acceptedRows: imp.acceptedRows,
    unmatchedRows: imp.unmatchedRows,
    rejectedRows: imp.rejectedRows,
  };
  await recordImportSucceeded(
    tx,
    actor,
    { kind: 'contribution', entityType: 'ContributionImport', id: imp.id, counts },
    { type: CONTRIBUTION_EVENTS.imported, payload: { regionCode: imp.regionCode, acceptedRows: imp.acceptedRows } },
  );
  return imp;
}

// ───────────────────────────── the job ─────────────────────────────

export interface RunContributionImportOptions extends ImportJobOptions {
  today?: Date;
  chunkRows?: number;
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
  const imp = await prisma.contributionImport.findUnique({ where: { id: importId }, omit: { content: true } });
  if (!imp) throw notFound('ContributionImport', '缴费导入记录');
  if (imp.status === 'SUCCEEDED') return summary(imp, true);
  const today = options.today ?? new Date();
  const actor = uploaderActor(imp.createdById, { role: 'BUREAU_OFFICER', organizationId: null, regionCode: imp.regionCode });
  const done = await runImportJob(
    prisma,
    {
      table: 'ContributionImport',
      importId,
      imp,
      fileGone: { zh: '导入文件已不存在,请重新上传', en: 'The uploaded file is no longer stored; upload it again' },
      async readRows() {
        const content = await loadImportFile(prisma, keys, 'contribution', importId);
        return content && collect(await FileContributionFeed.fromFile(content, { fileName: imp.fileName }), imp.regionCode);
      },
      async importRows(rows, from, committed) {
        const seen = new Map<string, number>();
        validateContributionRows(rows.slice(0, from), today, seen);
        const hash = idNumberHasher(keys);
        const size = options.chunkRows ?? CONTRIBUTION_CHUNK_ROWS;
        for (let at = from; at < rows.length; at += size) {
          const to = Math.min(rows.length, at + size);
          await transaction(prisma, (tx) => importChunk(tx, hash, importId, rows, at, to, seen, today), { timeoutMs: 60_000 });
          await committed(to);
        }
      },
      finish: (tx) => finish(tx, importId, actor),
      reread: (tx) => tx.contributionImport.findUniqueOrThrow({ where: { id: importId }, omit: { content: true } }),
      fail: async (err) => {
        await prisma.contributionImport.updateMany({
          where: { id: importId, status: { not: 'SUCCEEDED' } },
          data: {
            status: 'FAILED',
            finishedAt: new Date(),
            content: null,
            failureReason: isDomainError(err) ? `${err.code}: ${err.localized.zh} / ${err.message}` : 'internal error',
          },
        });
      },
    },
    options,
  );
  return summary(done, false);
}
