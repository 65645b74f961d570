import type http from 'node:http';
import { encodeGlobalID } from '@pothos/plugin-relay';
import { type Actor, type ContributionImportSummary, CSV_CONTENT_TYPE, type RosterImportSummary, XLSX_CONTENT_TYPE } from '@vtc/core';
import type { LocalizedText } from '@vtc/domain';
import type { Logger } from 'pino';
import { readBody } from '../http-body.ts';
import { allowMethods, download, type ErrorDetails, fail, failNotFound, failUnauthenticated, failWith, GET_ONLY, send } from './file-http.ts';

/**
 * File uploads and their templates, as the roster and the contribution routes take them: a route
 * describes its upload (path, templates, limits, texts, query parameters, the core function to call,
 * the answer) and `uploadRoutes` answers its requests the same way for every upload:
 *   GET  <path>/template.csv | template.xlsx   the templates (public: they hold no data)
 *   POST <path>[?params]                        the upload (see handleUpload)
 */

/** The content types an upload may be sent with; anything else is refused with 415. */
export const ACCEPTED_UPLOAD_TYPES = [
  'text/csv',
  'application/csv',
  'text/plain',
  'text/tab-separated-values',
  'application/vnd.ms-excel', // what Windows browsers call a .csv
  XLSX_CONTENT_TYPE,
  'application/octet-stream',
];

/** An uploaded file as the core upload functions take it. */
export interface UploadedFile {
  content: Buffer;
  /** From the optional x-file-name header (percent-encoded UTF-8 is decoded). */
  fileName: string | null;
  /** The media type without parameters, lower case. */
  contentType: string;
}

/** What the core upload functions answer and every upload's answer shows. */
type SummaryField =
  | 'importId'
  | 'status'
  | 'fileName'
  | 'format'
  | 'totalRows'
  | 'processedRows'
  | 'acceptedRows'
  | 'rejectedRows'
  | 'percent'
  | 'reused'
  | 'errors';
export type UploadSummary = Pick<RosterImportSummary, SummaryField> | Pick<ContributionImportSummary, SummaryField>;

/**
 * The answer's body: the import's global id (of GraphQL type `typename`, to poll it there), the
 * route's own fields, then the counts every import has and its first row errors.
 */
export function presentUpload(typename: string, s: UploadSummary, own: object) {
  return {
    importId: encodeGlobalID(typename, s.importId),
    ...own,
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

/** A query parameter the upload cannot be made with: answered 400 before the body is read. */
export class BadParameter {
  constructor(
    readonly field: string,
    readonly text: LocalizedText,
  ) {}
}

export interface UploadRoute<P, S extends UploadSummary, D extends UploadDeps> {
  /** Where the upload is posted, e.g. '/rosters'; the templates are below it. */
  path: string;
  templates: UploadTemplates;
  /** The log message of a successful upload, e.g. 'roster upload'. */
  logAs: string;
  maxBytes: number;
  /** The 415 text: which formats to upload. */
  unsupportedType: LocalizedText;
  /** The 413 text: the size limit and what to do. */
  tooLarge: LocalizedText;
  /** Reads the query parameters. */
  params(url: URL): P | BadParameter;
  /** The core use case. */
  upload(deps: D, actor: Actor, file: UploadedFile, params: P): Promise<S>;
  /** The JSON body of the answer. */
  present(summary: S): object;
}

/** The template files of an upload: `name` is the Chinese file name, `asciiName` the one for old clients. */
export interface UploadTemplates {
  name: string;
  asciiName: string;
  csv: () => Buffer;
  xlsx: () => Promise<Buffer>;
}

export interface UploadDeps {
  /** The actor of the request's bearer token, or null. */
  actor: () => Promise<Actor | null>;
  logger: Logger;
}

/** The handler of an upload's path and the paths below it (templates; anything else is 404). */
export function uploadRoutes<P, S extends UploadSummary, D extends UploadDeps>(route: UploadRoute<P, S, D>) {
  const templates = templateDownloads(route.templates);
  return async (req: http.IncomingMessage, res: http.ServerResponse, url: URL, deps: D): Promise<void> => {
    if (url.pathname === `${route.path}/template.csv` || url.pathname === `${route.path}/template.xlsx`) {
      if (!allowMethods(req, res, GET_ONLY)) return;
      return templates(res, url.pathname.endsWith('.csv') ? 'csv' : 'xlsx');
    }
    if (url.pathname !== route.path) return failNotFound(res);
    if (!allowMethods(req, res, ['POST'])) return;
    return handleUpload(req, res, url, deps, route);
  };
}

/**
 * Authenticates, checks the query and the content type, reads the body up to the size limit and calls
 * the use case. Answers 201 when the file was imported in the request, 202 when it was queued as a
 * job, 200 when the same file was uploaded before (the earlier import; nothing written); errors in
 * the one error body (file-http.ts). A request refused before its body is read has the body discarded.
 */
async function handleUpload<P, S extends UploadSummary, D extends UploadDeps>(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  url: URL,
  deps: D,
  route: UploadRoute<P, S, D>,
): Promise<void> {
  const refuse = (status: number, code: 'UNAUTHENTICATED' | 'BAD_REQUEST' | 'UNSUPPORTED_MEDIA_TYPE', text: LocalizedText, details?: ErrorDetails) => {
    req.resume();
    fail(res, status, code, text, details);
  };
  const actor = await deps.actor();
  if (!actor) {
    req.resume();
    return failUnauthenticated(res);
  }
  const params = route.params(url);
  if (params instanceof BadParameter) return refuse(400, 'BAD_REQUEST', params.text, { field: params.field });
  const contentType = mediaTypeOf(req.headers['content-type']);
  if (!ACCEPTED_UPLOAD_TYPES.includes(contentType)) return refuse(415, 'UNSUPPORTED_MEDIA_TYPE', route.unsupportedType);
  const content = await readBody(req, route.maxBytes);
  if (content === null) return fail(res, 413, 'PAYLOAD_TOO_LARGE', route.tooLarge, { reason: 'TOO_LARGE' });
  if (content.length === 0) {
    return fail(res, 422, 'VALIDATION', { en: 'The upload is empty', zh: '上传的文件是空的' }, { reason: 'EMPTY', field: 'file' });
  }
  try {
    const summary = await route.upload(deps, actor, { content, fileName: fileNameOf(req.headers['x-file-name']), contentType }, params);
    deps.logger.info(
      { importId: summary.importId, status: summary.status, rows: summary.totalRows, reused: summary.reused },
      route.logAs,
    );
    return send(res, summary.reused ? 200 : summary.status === 'PENDING' ? 202 : 201, route.present(summary));
  } catch (err) {
    return failWith(res, err);
  }
}

/** Answers the CSV and Excel templates of an upload; the Excel file is built once. */
function templateDownloads(files: UploadTemplates) {
  let xlsx: Promise<Buffer> | undefined;
  return async (res: http.ServerResponse, format: 'csv' | 'xlsx'): Promise<void> => {
    if (format === 'csv') {
      return download(res, `${CSV_CONTENT_TYPE}; charset=utf-8`, `${files.name}.csv`, `${files.asciiName}.csv`, files.csv());
    }
    xlsx ??= files.xlsx();
    return download(res, XLSX_CONTENT_TYPE, `${files.name}.xlsx`, `${files.asciiName}.xlsx`, await xlsx);
  };
}

function mediaTypeOf(header: string | undefined): string {
  return (header ?? 'application/octet-stream').split(';')[0]!.trim().toLowerCase();
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
