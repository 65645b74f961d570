import { decodeGlobalID, encodeGlobalID } from '@pothos/plugin-relay';
import { type PiiKeys, type RosterImportSummary, rosterTemplateCsv, rosterTemplateXlsx, uploadRoster } from '@vtc/core';
import { isUuid, type PrismaClient } from '@vtc/db';
import { ROSTER_MAX_BYTES, ROSTER_MAX_ROWS } from '@vtc/domain';
import { BadParameter, presentUpload, type UploadDeps, uploadRoutes } from './upload.ts';

/**
 * Roster (花名册) files over plain HTTP, beside /graphql (a file upload is a body, not a GraphQL value).
 *
 *   GET  /rosters/template.xlsx   the Excel template (public: it holds no data)
 *   GET  /rosters/template.csv    the CSV template, UTF-8 with BOM so Excel opens it correctly (public)
 *   POST /rosters?classId=<TrainingClass global id>
 *        body: the raw file; content-type text/csv or the .xlsx type (others are sniffed from the bytes);
 *        optional header x-file-name (may be percent-encoded UTF-8); Authorization: Bearer <token>.
 *        Only staff of the class's institution, while the class is DRAFT or REJECTED.
 *        Files up to ROSTER_MAX_BYTES and ROSTER_MAX_ROWS trainee rows.
 *        → 201 imported in the request (up to ROSTER_INLINE_MAX_ROWS rows), 202 queued as a job (poll
 *          `rosterImport(id)` in GraphQL), 200 the same file was uploaded before (the earlier import,
 *          nothing written):
 *          { importId, classId, status, fileName, format, totalRows, processedRows, acceptedRows,
 *            rejectedRows, percent, reused, errors: [{ row, field, code, message, messageZh }] (the first ROSTER_RESPONSE_ERRORS) }
 *        → errors in the one error body (file-http.ts) with 400 (bad request), 401, 403, 404 (class not
 *          visible), 409 (class state), 413 (too large), 415 (not CSV/XLSX), 422 (the file's content:
 *          missing columns, too many rows, unreadable, empty).
 */
export interface RosterRouteDeps extends UploadDeps {
  prisma: PrismaClient;
  piiKeys: PiiKeys;
}

export function isRosterPath(pathname: string): boolean {
  return pathname === '/rosters' || pathname.startsWith('/rosters/');
}

const MAX_MB = ROSTER_MAX_BYTES / 1024 / 1024;

export const handleRosterRequest = uploadRoutes<{ classId: string }, RosterImportSummary, RosterRouteDeps>({
  path: '/rosters',
  templates: { name: '花名册模板', asciiName: 'roster-template', csv: rosterTemplateCsv, xlsx: rosterTemplateXlsx },
  logAs: 'roster upload',
  maxBytes: ROSTER_MAX_BYTES,
  unsupportedType: { en: 'Upload the roster as CSV (text/csv) or Excel (.xlsx)', zh: '请上传 CSV 或 Excel(.xlsx)格式的花名册' },
  tooLarge: {
    en: `The file is larger than ${MAX_MB} MB; split it (at most ${ROSTER_MAX_ROWS} rows a file)`,
    zh: `文件超过${MAX_MB}MB,请拆分后上传(每个文件最多${ROSTER_MAX_ROWS}行)`,
  },
  params: (url) => {
    const classId = classIdOf(url.searchParams.get('classId'));
    return classId ? { classId } : new BadParameter('classId', { en: 'Give the class as ?classId=<TrainingClass id>', zh: '请用 ?classId= 指定培训班' });
  },
  upload: (deps, actor, file, { classId }) => uploadRoster(deps.prisma, deps.piiKeys, actor, { classId, ...file }),
  present: (s) => presentUpload('RosterImport', s, { classId: encodeGlobalID('TrainingClass', s.classId) }),
});

function classIdOf(value: string | null): string | null {
  if (!value) return null;
  try {
    const { typename, id } = decodeGlobalID(value);
    return typename === 'TrainingClass' && isUuid(id) ? id : null;
  } catch {
    return null;
  }
}
