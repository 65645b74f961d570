import { describe, expect, it } from '@jest/globals';
import { DOMAIN_ERROR_CODES, DomainError, type DomainErrorCode, isDomainError, isDomainErrorCode } from './errors';

describe('DomainError', () => {
  it.each<[DomainErrorCode, { zh: string; en: string }, Record<string, unknown> | undefined]>([
    ['INVALID_RESIDENT_ID', { zh: '身份证号码校验码错误', en: 'Wrong check character' }, { field: 'idNumber', row: 12 }],
    ['WEAK_PASSWORD', { zh: '密码强度不足', en: 'Password too weak' }, undefined],
    ['ACCOUNT_LOCKED', { zh: '账户已锁定', en: 'Account locked' }, { lockedUntil: '2024-06-01T02:15:00Z' }],
    ['NOT_FOUND', { zh: '未找到', en: 'Not found' }, undefined],
  ])('%s', (code, localized, details) => {
    const error = new DomainError(code, localized, details);
    expect(error).toBeInstanceOf(Error);
    expect(isDomainError(error)).toBe(true);
    expect(error.name).toBe('DomainError');
    expect(error.code).toBe(code);
    expect(error.message).toBe(localized.en);
    expect(error.localized).toEqual(localized);
    expect(error.details).toEqual(details);
  });

  it('is told apart from other errors', () => {
    expect(isDomainError(new Error('x'))).toBe(false);
    expect(isDomainError({ code: 'NOT_FOUND' })).toBe(false);
  });
});

describe('isDomainErrorCode', () => {
  it.each<[string, boolean]>([
    ...DOMAIN_ERROR_CODES.map((code): [string, boolean] => [code, true]),
    ['UNKNOWN', false],
    ['forbidden', false],
  ])('%j → %s', (value, expected) => {
    expect(isDomainErrorCode(value)).toBe(expected);
  });
});
