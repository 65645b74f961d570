import { describe, expect, it } from '@jest/globals';
import { DOMAIN_ERROR_CODES, DomainError } from '@vtc/domain';
import { errorDetails, HTTP_STATUS_OF, httpStatusOf } from './file-http.ts';

describe('domain errors over HTTP', () => {
  it('gives every domain error code a client-error status', () => {
    for (const code of DOMAIN_ERROR_CODES) expect(HTTP_STATUS_OF[code]).toBeGreaterThanOrEqual(400);
    expect(Object.keys(HTTP_STATUS_OF).sort()).toEqual([...DOMAIN_ERROR_CODES].sort());
  });

  it('answers a file no reader knows with 415, whatever its code', () => {
    const text = { zh: '无法识别的文件格式', en: 'Unknown file format' };
    expect(httpStatusOf(new DomainError('VALIDATION', text, { reason: 'UNSUPPORTED_FORMAT' }))).toBe(415);
    expect(httpStatusOf(new DomainError('VALIDATION', text, { reason: 'MISSING_COLUMNS' }))).toBe(422);
    expect(httpStatusOf(new DomainError('FORBIDDEN', text))).toBe(403);
  });

  it('shows reason, field and row only when their details have the right type', () => {
    const text = { zh: '错误', en: 'Error' };
    expect(errorDetails(new DomainError('VALIDATION', text, { reason: 'EMPTY', field: 'file', row: 3, idNumber: '1410' }))).toEqual({
      reason: 'EMPTY',
      field: 'file',
      row: 3,
    });
    expect(errorDetails(new DomainError('VALIDATION', text, { field: 7, row: '3' }))).toEqual({});
    expect(errorDetails(new DomainError('VALIDATION', text))).toEqual({});
  });
});
