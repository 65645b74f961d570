import type http from 'node:http';
import { type DomainError, type DomainErrorCode, isDomainError, type LocalizedText } from '@vtc/domain';

/**
 * What the HTTP routes beside /graphql share: JSON answers, the one error body every route answers
 * with, the HTTP status of each domain error code, method checks and file downloads.
 *
 * Every error body has the shape
 *   { error: { code, message, messageZh, reason?, field?, row? } }
 * `code` is a DomainErrorCode or one of the HTTP-level codes below; `message` is English, `messageZh`
 * Chinese; `reason`, `field` and `row` come from the domain error's details where it has them.
 */

/** Codes for what goes wrong before a use case is called. */
export type HttpErrorCode =
  | 'BAD_REQUEST'
  | 'UNAUTHENTICATED'
  | 'NOT_FOUND'
  | 'METHOD_NOT_ALLOWED'
  | 'PAYLOAD_TOO_LARGE'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'VALIDATION'
  | 'INTERNAL_SERVER_ERROR';

/** The details of an error that may be shown to the client. */
export interface ErrorDetails {
  reason?: string;
  field?: string;
  row?: number;
}

export interface ErrorBody {
  error: { code: DomainErrorCode | HttpErrorCode; message: string; messageZh: string } & ErrorDetails & { correlationId?: string };
}

/**
 * The HTTP status of every domain error code. A Record, so a new code does not compile until it is
 * given a status here. 400 is for a request that breaks a rule of the domain.
 */
export const HTTP_STATUS_OF: Readonly<Record<DomainErrorCode, number>> = {
  INVALID_RESIDENT_ID: 400,
  INVALID_CREDIT_CODE: 400,
  WEAK_PASSWORD: 400,
  ACCOUNT_LOCKED: 400,
  INVALID_CREDENTIALS: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  VALIDATION: 422,
  CONFLICT: 409,
  INVALID_TRANSITION: 409,
  INELIGIBLE: 400,
  CAPACITY_EXCEEDED: 409,
  SCHEDULE_CONFLICT: 400,
  FOUR_EYES: 403,
  RATE_LIMITED: 429,
};

/** The status of a domain error; a file in a format no reader knows is 415 whatever its code. */
export function httpStatusOf(err: DomainError): number {
  return err.details?.reason === 'UNSUPPORTED_FORMAT' ? 415 : HTTP_STATUS_OF[err.code];
}

/** `reason`, `field` and `row` of a domain error, where its details hold them with the right type. */
export function errorDetails(err: DomainError): ErrorDetails {
  const out: ErrorDetails = {};
  if (typeof err.details?.reason === 'string') out.reason = err.details.reason;
  if (typeof err.details?.field === 'string') out.field = err.details.field;
  if (typeof err.details?.row === 'number') out.row = err.details.row;
  return out;
}

/** A JSON answer, never cached. */
export function send(res: http.ServerResponse, status: number, body: unknown): void {
  res.statusCode = status;
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.setHeader('cache-control', 'no-store');
  res.end(JSON.stringify(body));
}

/** An error answer in the one error body shape. */
export function fail(
  res: http.ServerResponse,
  status: number,
  code: ErrorBody['error']['code'],
  text: LocalizedText,
  details: ErrorDetails & { correlationId?: string } = {},
): void {
  const body: ErrorBody = { error: { code, ...details, message: text.en, messageZh: text.zh } };
  send(res, status, body);
}

/** Answers a domain error; anything else is rethrown (the server masks it as an internal error). */
export function failWith(res: http.ServerResponse, err: unknown): void {
  if (!isDomainError(err)) throw err;
  fail(res, httpStatusOf(err), err.code, err.localized, errorDetails(err));
}

export const LOGIN_REQUIRED: LocalizedText = { en: 'Login required', zh: '请先登录' };
export const NOT_FOUND: LocalizedText = { en: 'Not found', zh: '未找到' };

export function failUnauthenticated(res: http.ServerResponse): void {
  fail(res, 401, 'UNAUTHENTICATED', LOGIN_REQUIRED);
}

export function failNotFound(res: http.ServerResponse): void {
  fail(res, 404, 'NOT_FOUND', NOT_FOUND);
}

/** True when the request's method is one of `methods`; otherwise answers 405 with an Allow header. */
export function allowMethods(req: http.IncomingMessage, res: http.ServerResponse, methods: readonly string[]): boolean {
  if (req.method !== undefined && methods.includes(req.method)) return true;
  res.setHeader('allow', methods.join(', '));
  fail(res, 405, 'METHOD_NOT_ALLOWED', { en: 'Method not allowed', zh: '不支持该请求方法' });
  return false;
}

export const GET_ONLY = ['GET', 'HEAD'] as const;

/** A file download: `name` may be Chinese (RFC 5987), `asciiName` is for old clients. */
export function download(
  res: http.ServerResponse,
  type: string,
  name: string,
  asciiName: string,
  body: Buffer,
  cache = 'public, max-age=3600',
): void {
  res.statusCode = 200;
  res.setHeader('content-type', type);
  res.setHeader('content-length', body.length);
  res.setHeader('content-disposition', `attachment; filename="${asciiName}"; filename*=UTF-8''${encodeURIComponent(name)}`);
  res.setHeader('cache-control', cache);
  res.end(body);
}
