import type http from 'node:http';
import { decodeGlobalID, encodeGlobalID } from '@pothos/plugin-relay';
import {
  type Actor,
  CONTRIBUTION_MAX_BYTES,
  type ContributionImportSummary,
  CSV_CONTENT_TYPE,
  contributionTemplateCsv,
  contributionTemplateXlsx,
  type PiiKeys,
  type ScorecardGroup,
  SCORECARD_GROUPS,
  scorecards,
  scorecardsXlsx,
  uploadContributions,
  XLSX_CONTENT_TYPE,
} from '@vtc/core';
import type { PrismaClient } from '@vtc/db';
import { type DomainErrorCode, isDomainError } from '@vtc/domain';
import type { Logger } from 'pino';
import { readBody } from '../http-body.ts';
import { ACCEPTED_UPLOAD_TYPES, download, fail, send } from './file-http.ts';

/**
 * Employment-tracking files over plain HTTP, beside /graphql (same patterns as routes/roster.ts).
 *
 *   GET  /contributions/template.xlsx | template.csv   the contribution file template (public: no data)
 *   POST /contributions[?regionCode=150800]
 *        body: the raw CSV/XLSX file; optional x-file-name; Authorization: Bearer <token> of a bureau user
 *        (regionCode may be omitted when the user has one bureau region). Up to 30 MB.
 *        → 201 imported in the request (≤ 5,000 rows), 202 queued as a job (poll `contributionImport(id)`),
 *          200 the same file was uploaded before for the region (nothing written):
 *          { importId, regionCode, status, fileName, format, totalRows, processedRows, acceptedRows,
 *            unmatchedRows, rejectedRows, percent, reused, errors: [{ row, field, code, message, messageZh }] }
 *        → errors { error: { code, reason?, field?, message, messageZh } }: 400, 401, 403, 404, 413, 415, 422.
 *   GET  /scorecards/export.xlsx?groupBy=INSTITUTION&from=2026-01-01&to=2026-12-31[&regionCode=…][&institutionId=<global id>]
 *        Authorization: Bearer <token>; the same numbers and visibility as the `scorecards` query.
 */
export interface EmploymentRouteDeps {
  prisma: PrismaClient;
  piiKeys: PiiKeys;
  actor: () => Promise<Actor | null>;
  logger: Logger;
}

export function isEmploymentFilePath(pathname: string): boolean {
  return pathname === '/contributions' || pathname.startsWith('/contributions/') || pathname === '/scorecards/export.xlsx';
}

const STATUS_OF: Partial<Record<DomainErrorCode, number>> = {
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  INVALID_TRANSITION: 409,
  CONFLICT: 409,
  VALIDATION: 422,
};

function domainFailure(res: http.ServerResponse, err: unknown): void {
  if (!isDomainError(err)) throw err;
  const reason = typeof err.details?.reason === 'string' ? err.details.reason : undefined;
  const field = typeof err.details?.field === 'string' ? err.details.field : undefined;
  const status = reason === 'UNSUPPORTED_FORMAT' ? 415 : (STATUS_OF[err.code] ?? 400);
  fail(res, status, err.code, err.localized.en, err.localized.zh, { ...(reason ? { reason } : {}), ...(field ? { field } : {}) });
}

let xlsxTemplate: Promise<Buffer> | undefined;

export async function handleEmploymentFileRequest(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  url: URL,
  deps: EmploymentRouteDeps,
): Promise<void> {
  const getOnly = () => {
    if (req.method === 'GET' || req.method === 'HEAD') return true;
    res.setHeader('allow', 'GET, HEAD');
    fail(res, 405, 'METHOD_NOT_ALLOWED', 'Method not allowed', '不支持该请求方法');
    return false;
  };
  if (url.pathname === '/contributions/template.csv') {
    if (!getOnly()) return;
    return download(res, `${CSV_CONTENT_TYPE}; charset=utf-8`, '社保缴费导入模板.csv', 'contribution-template.csv', contributionTemplateCsv(), 'public, max-age=3600');
  }
  if (url.pathname === '/contributions/template.xlsx') {
    if (!getOnly()) return;
    xlsxTemplate ??= contributionTemplateXlsx();
    return download(res, XLSX_CONTENT_TYPE, '社保缴费导入模板.xlsx', 'contribution-template.xlsx', await xlsxTemplate, 'public, max-age=3600');
  }
  if (url.pathname === '/scorecards/export.xlsx') {
    if (!getOnly()) return;
    return exportScorecards(res, url, deps);
  }
  if (url.pathname !== '/contributions') return fail(res, 404, 'NOT_FOUND', 'Not found', '未找到');
  if (req.method !== 'POST') {
    res.setHeader('allow', 'POST');
    return fail(res, 405, 'METHOD_NOT_ALLOWED', 'Method not allowed', '不支持该请求方法');
  }
  return upload(req, res, url, deps);
}

async function upload(req: http.IncomingMessage, res: http.ServerResponse, url: URL, deps: EmploymentRouteDeps): Promise<void> {
  const actor = await deps.actor();
  if (!actor) {
    req.resume();
    return fail(res, 401, 'UNAUTHENTICATED', 'Login required', '请先登录');
  }
  const regionCode = url.searchParams.get('regionCode');
  if (regionCode !== null && !/^\d{6}$/.test(regionCode)) {
    req.resume();
    return fail(res, 400, 'BAD_REQUEST', 'regionCode must be a 6-digit region code', 'regionCode 应为6位行政区划代码', { field: 'regionCode' });
  }
  const type = (req.headers['content-type'] ?? 'application/octet-stream').split(';')[0]!.trim().toLowerCase();
  if (!ACCEPTED_UPLOAD_TYPES.includes(type)) {
    req.resume();
    return fail(res, 415, 'UNSUPPORTED_MEDIA_TYPE', 'Upload the contributions as CSV or Excel (.xlsx)', '请上传 CSV 或 Excel(.xlsx)格式的文件');
  }
  const body = await readBody(req, CONTRIBUTION_MAX_BYTES);
  if (body === null) {
    return fail(res, 413, 'PAYLOAD_TOO_LARGE', 'The file is larger than 30 MB; split it', '文件超过30MB,请拆分后上传', { reason: 'TOO_LARGE' });
  }
  if (body.length === 0) return fail(res, 422, 'VALIDATION', 'The upload is empty', '上传的文件是空的', { reason: 'EMPTY', field: 'file' });
  try {
    const summary = await uploadContributions(deps.prisma, deps.piiKeys, actor, {
      content: body,
      fileName: fileNameOf(req.headers['x-file-name']),
      contentType: type,
      regionCode,
    });
    deps.logger.info({ importId: summary.importId, status: summary.status, rows: summary.totalRows, reused: summary.reused }, 'contribution upload');
    return send(res, summary.reused ? 200 : summary.status === 'PENDING' ? 202 : 201, present(summary));
  } catch (err) {
    return domainFailure(res, err);
  }
}

export function present(s: ContributionImportSummary) {
  return {
    importId: encodeGlobalID('ContributionImport', s.importId),
    regionCode: s.regionCode,
    status: s.status,
    fileName: s.fileName,
    format: s.format,
    totalRows: s.totalRows,
    processedRows: s.processedRows,
    acceptedRows: s.acceptedRows,
    unmatchedRows: s.unmatchedRows,
    rejectedRows: s.rejectedRows,
    percent: s.percent,
    reused: s.reused,
    errors: s.errors,
  };
}

async function exportScorecards(res: http.ServerResponse, url: URL, deps: EmploymentRouteDeps): Promise<void> {
  const actor = await deps.actor();
  if (!actor) return fail(res, 401, 'UNAUTHENTICATED', 'Login required', '请先登录');
  const groupBy = url.searchParams.get('groupBy') ?? '';
  if (!(SCORECARD_GROUPS as readonly string[]).includes(groupBy)) {
    return fail(res, 400, 'BAD_REQUEST', `groupBy must be one of ${SCORECARD_GROUPS.join(', ')}`, `groupBy 应为 ${SCORECARD_GROUPS.join('、')} 之一`, {
      field: 'groupBy',
    });
  }
  let institutionId: string | null = null;
  const inst = url.searchParams.get('institutionId');
  if (inst) {
    try {
      institutionId = decodeGlobalID(inst).id;
    } catch {
      return fail(res, 400, 'BAD_REQUEST', 'institutionId is not a valid id', 'institutionId 无效', { field: 'institutionId' });
    }
    if (!/^[0-9a-f-]{36}$/i.test(institutionId)) {
      return fail(res, 400, 'BAD_REQUEST', 'institutionId is not a valid id', 'institutionId 无效', { field: 'institutionId' });
    }
  }
  const filter = {
    groupBy: groupBy as ScorecardGroup,
    from: url.searchParams.get('from') ?? '',
    to: url.searchParams.get('to') ?? '',
    regionCode: url.searchParams.get('regionCode'),
    institutionId,
  };
  try {
    const cards = await scorecards(deps.prisma, actor, filter);
    const xlsx = await scorecardsXlsx(cards, filter);
    return download(
      res,
      XLSX_CONTENT_TYPE,
      `绩效评价-${groupBy}-${filter.from}-${filter.to}.xlsx`,
      `scorecards-${groupBy.toLowerCase()}.xlsx`,
      xlsx,
      'private, no-store',
    );
  } catch (err) {
    return domainFailure(res, err);
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
