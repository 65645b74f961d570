import type http from 'node:http';
import { decodeGlobalID } from '@pothos/plugin-relay';
import {
  CONTRIBUTION_MAX_BYTES,
  type ContributionImportSummary,
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
import { isUuid, type PrismaClient } from '@vtc/db';
import { allowMethods, download, fail, failUnauthenticated, failWith, GET_ONLY } from './file-http.ts';
import { BadParameter, presentUpload, type UploadDeps, uploadRoutes } from './upload.ts';

/**
 * Employment-tracking files over plain HTTP, beside /graphql (same patterns as routes/roster.ts).
 *
 *   GET  /contributions/template.xlsx | template.csv   the contribution file template (public: no data)
 *   POST /contributions[?regionCode=150800]
 *        body: the raw CSV/XLSX file; optional x-file-name; Authorization: Bearer <token> of a bureau user
 *        (regionCode may be omitted when the user has one bureau region). Up to CONTRIBUTION_MAX_BYTES.
 *        → 201 imported in the request (up to CONTRIBUTION_INLINE_MAX_ROWS rows), 202 queued as a job
 *          (poll `contributionImport(id)`), 200 the same file was uploaded before for the region
 *          (nothing written):
 *          { importId, regionCode, status, fileName, format, totalRows, processedRows, acceptedRows,
 *            unmatchedRows, rejectedRows, percent, reused, errors: [{ row, field, code, message, messageZh }] }
 *        → errors in the one error body (file-http.ts): 400, 401, 403, 404, 413, 415, 422.
 *   GET  /scorecards/export.xlsx?groupBy=INSTITUTION&from=2026-01-01&to=2026-12-31[&regionCode=…][&institutionId=<global id>]
 *        Authorization: Bearer <token>; the same numbers and visibility as the `scorecards` query.
 */
export interface EmploymentRouteDeps extends UploadDeps {
  prisma: PrismaClient;
  piiKeys: PiiKeys;
}

export function isEmploymentFilePath(pathname: string): boolean {
  return pathname === '/contributions' || pathname.startsWith('/contributions/') || pathname === '/scorecards/export.xlsx';
}

const MAX_MB = CONTRIBUTION_MAX_BYTES / 1024 / 1024;

const contributionFiles = uploadRoutes<{ regionCode: string | null }, ContributionImportSummary, EmploymentRouteDeps>({
  path: '/contributions',
  templates: { name: '社保缴费导入模板', asciiName: 'contribution-template', csv: contributionTemplateCsv, xlsx: contributionTemplateXlsx },
  logAs: 'contribution upload',
  maxBytes: CONTRIBUTION_MAX_BYTES,
  unsupportedType: { en: 'Upload the contributions as CSV or Excel (.xlsx)', zh: '请上传 CSV 或 Excel(.xlsx)格式的文件' },
  tooLarge: { en: `The file is larger than ${MAX_MB} MB; split it`, zh: `文件超过${MAX_MB}MB,请拆分后上传` },
  params: (url) => {
    const regionCode = url.searchParams.get('regionCode');
    if (regionCode === null || /^\d{6}$/.test(regionCode)) return { regionCode };
    return new BadParameter('regionCode', { en: 'regionCode must be a 6-digit region code', zh: 'regionCode 应为6位行政区划代码' });
  },
  upload: (deps, actor, file, { regionCode }) => uploadContributions(deps.prisma, deps.piiKeys, actor, { ...file, regionCode }),
  present: (s) => presentUpload('ContributionImport', s, { regionCode: s.regionCode, unmatchedRows: s.unmatchedRows }),
});

export async function handleEmploymentFileRequest(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  url: URL,
  deps: EmploymentRouteDeps,
): Promise<void> {
  if (url.pathname === '/scorecards/export.xlsx') {
    if (!allowMethods(req, res, GET_ONLY)) return;
    return exportScorecards(res, url, deps);
  }
  return contributionFiles(req, res, url, deps);
}

async function exportScorecards(res: http.ServerResponse, url: URL, deps: EmploymentRouteDeps): Promise<void> {
  const actor = await deps.actor();
  if (!actor) return failUnauthenticated(res);
  const groupBy = url.searchParams.get('groupBy') ?? '';
  if (!(SCORECARD_GROUPS as readonly string[]).includes(groupBy)) {
    return fail(
      res,
      400,
      'BAD_REQUEST',
      { en: `groupBy must be one of ${SCORECARD_GROUPS.join(', ')}`, zh: `groupBy 应为 ${SCORECARD_GROUPS.join('、')} 之一` },
      { field: 'groupBy' },
    );
  }
  let institutionId: string | null = null;
  const inst = url.searchParams.get('institutionId');
  if (inst) {
    institutionId = uuidOfGlobalId(inst);
    if (!institutionId) {
      return fail(res, 400, 'BAD_REQUEST', { en: 'institutionId is not a valid id', zh: 'institutionId 无效' }, { field: 'institutionId' });
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
    return failWith(res, err);
  }
}

/** The UUID of a global id of any type, or null when it is not one. */
function uuidOfGlobalId(value: string): string | null {
  try {
    const { id } = decodeGlobalID(value);
    return isUuid(id) ? id : null;
  } catch {
    return null;
  }
}
