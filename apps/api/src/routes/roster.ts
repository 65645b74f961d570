import type http from 'node:http';
import { decodeGlobalID, encodeGlobalID } from '@pothos/plugin-relay';
import {
  type Actor,
  CSV_CONTENT_TYPE,
  type PiiKeys,
  type RosterImportSummary,
  rosterTemplateCsv,
  rosterTemplateXlsx,
  uploadRoster,
  XLSX_CONTENT_TYPE,
} from '@vtc/core';
import type { PrismaClient } from '@vtc/db';
import { type DomainErrorCode, isDomainError, ROSTER_MAX_BYTES, ROSTER_MAX_ROWS } from '@vtc/domain';
import type { Logger } from 'pino';
import { readBody } from '../http-body.ts';
import { ACCEPTED_UPLOAD_TYPES, download, fail, send } from './file-http.ts';

/**
 * Roster (花名册) files over plain HTTP, beside /graphql (a file upload is a body, not a GraphQL value).
 *
 *   GET  /rosters/template.xlsx   the Excel template (public: it holds no data)
 *   GET  /rosters/template.csv    the CSV template, UTF-8 with BOM so Excel opens it correctly (public)
 *   POST /rosters?classId=<TrainingClass global id>
 *        body: the raw file; content-type text/csv or the .xlsx type (others are sniffed from the bytes);
 *        optional header x-file-name (may be percent-encoded UTF-8); Authorization: Bearer <token>.
 *        Only staff of the class's institution, while the class is DRAFT or REJECTED.
 *        Files up to 30 MB and 100,000 trainee rows.
 *        → 201 imported in the request (≤ 2,000 rows), 202 queued as a job (poll `rosterImport(id)` in
 *          GraphQL), 200 the same file was uploaded before (the earlier import, nothing written):
 *          { importId, classId, status, fileName, format, totalRows, processedRows, acceptedRows,
 *            rejectedRows, percent, reused, errors: [{ row, field, code, message, messageZh }] (first 1,000) }
 *        → errors: { error: { code, reason?, field?, message, messageZh } } with 400 (bad request),
 *          401, 403, 404 (class not visible), 409 (class state), 413 (too large), 415 (not CSV/XLSX),
 *          422 (the file's content: missing columns, too many rows, unreadable, empty).
 */
export interface RosterRouteDeps {
  prisma: PrismaClient;
  piiKeys: PiiKeys;
  /** The actor of the request's bearer token, or null. */
  actor: () => Promise<Actor | null>;
  logger: Logger;
}

export function isRosterPath(pathname: string): boolean {
  return pathname === '/rosters' || pathname.startsWith('/rosters/');
}

let xlsxTemplate: Promise<Buffer> | undefined;

const STATUS_OF: Partial<Record<DomainErrorCode, number>> = {
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  INVALID_TRANSITION: 409,
  CONFLICT: 409,
  CAPACITY_EXCEEDED: 409,
  VALIDATION: 422,
  INVALID_CREDENTIALS: 401,
};

export async function handleRosterRequest(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  url: URL,
  deps: RosterRouteDeps,
): Promise<void> {
  if (url.pathname === '/rosters/template.xlsx' || url.pathname === '/rosters/template.csv') {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('allow', 'GET, HEAD');
      return fail(res, 405, 'METHOD_NOT_ALLOWED', 'Method not allowed', '不支持该请求方法');
    }
    if (url.pathname.endsWith('.csv')) {
      return download(res, `${CSV_CONTENT_TYPE}; charset=utf-8`, '花名册模板.csv', 'roster-template.csv', rosterTemplateCsv());
    }
    xlsxTemplate ??= rosterTemplateXlsx();
    return download(res, XLSX_CONTENT_TYPE, '花名册模板.xlsx', 'roster-template.xlsx', await xlsxTemplate);
  }
  if (url.pathname !== '/rosters') return fail(res, 404, 'NOT_FOUND', 'Not found', '未找到');
  if (req.method !== 'POST') {
    res.setHeader('allow', 'POST');
    return fail(res, 405, 'METHOD_NOT_ALLOWED', 'Method not allowed', '不支持该请求方法');
  }
  return upload(req, res, url, deps);
}

async function upload(req: http.IncomingMessage, res: http.ServerResponse, url: URL, deps: RosterRouteDeps): Promise<void> {
  const actor = await deps.actor();
  if (!actor) {
    req.resume();
    return fail(res, 401, 'UNAUTHENTICATED', 'Login required', '请先登录');
  }
  const classId = classIdOf(url.searchParams.get('classId'));
  if (!classId) {
    req.resume();
    return fail(res, 400, 'BAD_REQUEST', 'Give the class as ?classId=<TrainingClass id>', '请用 ?classId= 指定培训班', {
      field: 'classId',
    });
  }
  const type = (req.headers['content-type'] ?? 'application/octet-stream').split(';')[0]!.trim().toLowerCase();
  if (!ACCEPTED_UPLOAD_TYPES.includes(type)) {
    req.resume();
    return fail(
      res,
      415,
      'UNSUPPORTED_MEDIA_TYPE',
      'Upload the roster as CSV (text/csv) or Excel (.xlsx)',
      '请上传 CSV 或 Excel(.xlsx)格式的花名册',
    );
  }
  const body = await readBody(req, ROSTER_MAX_BYTES);
  if (body === null) {
    return fail(
      res,
      413,
      'PAYLOAD_TOO_LARGE',
      `The file is larger than ${ROSTER_MAX_BYTES / 1024 / 1024} MB; split it (at most ${ROSTER_MAX_ROWS} rows a file)`,
      `文件超过${ROSTER_MAX_BYTES / 1024 / 1024}MB,请拆分后上传(每个文件最多${ROSTER_MAX_ROWS}行)`,
      { reason: 'TOO_LARGE' },
    );
  }
  if (body.length === 0) {
    return fail(res, 422, 'VALIDATION', 'The upload is empty', '上传的文件是空的', { reason: 'EMPTY', field: 'file' });
  }
  try {
    const summary = await uploadRoster(deps.prisma, deps.piiKeys, actor, {
      classId,
      content: body,
      fileName: fileNameOf(req.headers['x-file-name']),
      contentType: type,
    });
    const status = summary.reused ? 200 : summary.status === 'PENDING' ? 202 : 201;
    deps.logger.info(
      { importId: summary.importId, status: summary.status, rows: summary.totalRows, reused: summary.reused },
      'roster upload',
    );
    return send(res, status, present(summary));
  } catch (err) {
    if (!isDomainError(err)) throw err;
    const reason = typeof err.details?.reason === 'string' ? err.details.reason : undefined;
    const field = typeof err.details?.field === 'string' ? err.details.field : undefined;
    const status = reason === 'UNSUPPORTED_FORMAT' ? 415 : (STATUS_OF[err.code] ?? 400);
    return fail(res, status, err.code, err.localized.en, err.localized.zh, {
      ...(reason ? { reason } : {}),
      ...(field ? { field } : {}),
    });
  }
}

/** The response body: global ids, the first 1,000 row errors. */
export function present(s: RosterImportSummary) {
  return {
    importId: encodeGlobalID('RosterImport', s.importId),
    classId: encodeGlobalID('TrainingClass', s.classId),
    status: s.status,
    fileName: s.fileName,
    format: s.format,
    totalRows: s.totalRows,
    processedRows: s.processedRows,
    acceptedRows: s.acceptedRows,
    rejectedRows: s.rejectedRows,
    percent: s.percent,
    reused: s.reused,
    errors: s.errors,
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function classIdOf(value: string | null): string | null {
  if (!value) return null;
  try {
    const { typename, id } = decodeGlobalID(value);
    return typename === 'TrainingClass' && UUID.test(id) ? id : null;
  } catch {
    return null;
  }
}

function fileNameOf(header: string | string[] | undefined): string | null {
  const raw = Array.isArray(header) ? header[0] : header;
  if (!raw) return null;
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

