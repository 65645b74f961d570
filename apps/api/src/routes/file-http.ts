import type http from 'node:http';
import { XLSX_CONTENT_TYPE } from '@vtc/core';

/**
 * What the file routes (rosters, contributions) share: the content types an upload may be sent with
 * (anything else is refused with 415), JSON answers and errors in both languages, and downloads.
 */
export const ACCEPTED_UPLOAD_TYPES = [
  'text/csv',
  'application/csv',
  'text/plain',
  'text/tab-separated-values',
  'application/vnd.ms-excel', // what Windows browsers call a .csv
  XLSX_CONTENT_TYPE,
  'application/octet-stream',
];

export function send(res: http.ServerResponse, status: number, body: unknown): void {
  res.statusCode = status;
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.setHeader('cache-control', 'no-store');
  res.end(JSON.stringify(body));
}

export function fail(res: http.ServerResponse, status: number, code: string, en: string, zh: string, extra: object = {}): void {
  send(res, status, { error: { code, ...extra, message: en, messageZh: zh } });
}

/** A file download: `name` may be Chinese (RFC 5987), `asciiName` is for old clients. */
export function download(res: http.ServerResponse, type: string, name: string, asciiName: string, body: Buffer, cache = 'public, max-age=3600'): void {
  res.statusCode = 200;
  res.setHeader('content-type', type);
  res.setHeader('content-length', body.length);
  res.setHeader('content-disposition', `attachment; filename="${asciiName}"; filename*=UTF-8''${encodeURIComponent(name)}`);
  res.setHeader('cache-control', cache);
  res.end(body);
}
