import { isCalendarDate, shanghaiDate } from '../shared/calendar-date';
import { DomainError, type LocalizedText } from '../shared/errors';
import { isRegionCode } from './region-code';

/**
 * GB 11643-1999 citizen identity number: 6-digit address code (GB/T 2260), 8-digit birth date
 * YYYYMMDD, 3-digit sequence code (odd for men, even for women) and one check character
 * computed with ISO 7064 MOD 11-2.
 */
export type Sex = 'MALE' | 'FEMALE';

export interface ResidentId {
  /** Normalised: trimmed, check character upper-case. */
  id: string;
  regionCode: string;
  /** 'YYYY-MM-DD' */
  birthDate: string;
  sex: Sex;
}

export type ResidentIdRule =
  | 'LENGTH'
  | 'FORMAT'
  | 'REGION'
  | 'BIRTH_DATE'
  | 'BIRTH_DATE_FUTURE'
  | 'CHECKSUM';

export type ResidentIdResult =
  | { ok: true; value: ResidentId }
  | { ok: false; rule: ResidentIdRule; message: LocalizedText };

export const EARLIEST_BIRTH_DATE = '1900-01-01';

/** W_i = 2^(17-i) mod 11, i = 1..17 */
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
/** Check character for Σ(a_i·W_i) mod 11 = 0..10 */
const CHECK_CHARS = '10X98765432';

const MESSAGES: Record<ResidentIdRule, LocalizedText> = {
  LENGTH: { zh: '身份证号码应为18位', en: 'A resident ID number must have 18 characters' },
  FORMAT: {
    zh: '身份证号码前17位应为数字，最后一位应为数字或X',
    en: 'A resident ID number must be 17 digits followed by a digit or X',
  },
  REGION: {
    zh: '身份证号码中的行政区划代码无效',
    en: 'The region code in the resident ID number is not valid',
  },
  BIRTH_DATE: {
    zh: '身份证号码中的出生日期无效',
    en: 'The birth date in the resident ID number is not a valid date',
  },
  BIRTH_DATE_FUTURE: {
    zh: '身份证号码中的出生日期晚于今天',
    en: 'The birth date in the resident ID number is in the future',
  },
  CHECKSUM: {
    zh: '身份证号码校验码错误',
    en: 'The check character of the resident ID number is wrong',
  },
};

function invalid(zh: string, en: string, field: string): DomainError {
  return new DomainError('VALIDATION', { zh, en }, { field });
}

const RULES: ReadonlySet<string> = new Set(Object.keys(MESSAGES));

/** True for a rule of parseResidentId (the number itself is wrong), not of the form around it. */
export function isResidentIdRule(rule: string): rule is ResidentIdRule {
  return RULES.has(rule);
}

/** The 18th character for the first 17 digits. */
export function residentIdCheckChar(first17: string): string {
  if (!/^\d{17}$/.test(first17)) {
    throw new DomainError('INVALID_RESIDENT_ID', { zh: '需要17位数字', en: 'Expected exactly 17 digits' }, { field: 'first17' });
  }
  const sum = WEIGHTS.reduce((acc, weight, i) => acc + weight * Number(first17.charAt(i)), 0);
  return CHECK_CHARS.charAt(sum % 11);
}

/** Parses and validates a resident ID number; `today` bounds the birth date (Shanghai calendar). */
export function parseResidentId(input: string, today: Date): ResidentIdResult {
  const fail = (rule: ResidentIdRule): ResidentIdResult => ({
    ok: false,
    rule,
    message: MESSAGES[rule],
  });
  const id = input.trim().toUpperCase();
  if (id.length !== 18) return fail('LENGTH');
  if (!/^\d{17}[\dX]$/.test(id)) return fail('FORMAT');

  const regionCode = id.slice(0, 6);
  if (!isRegionCode(regionCode)) return fail('REGION');

  const birthDate = `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`;
  if (!isCalendarDate(birthDate) || birthDate < EARLIEST_BIRTH_DATE) return fail('BIRTH_DATE');
  if (birthDate > shanghaiDate(today)) return fail('BIRTH_DATE_FUTURE');

  if (residentIdCheckChar(id.slice(0, 17)) !== id.charAt(17)) return fail('CHECKSUM');

  const sex: Sex = Number(id.charAt(16)) % 2 === 1 ? 'MALE' : 'FEMALE';
  return { ok: true, value: { id, regionCode, birthDate, sex } };
}

/** Builds a synthetic but valid ID number (for seeds and tests). */
export function makeResidentId(parts: {
  regionCode: string;
  birthDate: string;
  sequence: number;
}): string {
  const { regionCode, birthDate, sequence } = parts;
  if (!isRegionCode(regionCode)) {
    throw invalid('无效的行政区划代码', 'Invalid region code', 'regionCode');
  }
  if (!isCalendarDate(birthDate) || birthDate < EARLIEST_BIRTH_DATE) {
    throw invalid('无效的出生日期', 'Invalid birth date', 'birthDate');
  }
  if (!Number.isInteger(sequence) || sequence < 0 || sequence > 999) {
    throw invalid('顺序码应为0至999的整数', 'Sequence must be an integer 0..999', 'sequence');
  }
  const first17 = `${regionCode}${birthDate.replaceAll('-', '')}${String(sequence).padStart(3, '0')}`;
  return first17 + residentIdCheckChar(first17);
}

/**
 * Masks an ID number for display (PIPL: sensitive personal information): first 6 and last 4
 * characters visible, `141002********1234`. Other lengths keep the same 6 + 4 rule, and
 * anything of 10 characters or fewer is masked entirely.
 */
export function maskResidentId(id: string): string {
  const value = id.trim().toUpperCase();
  if (value.length <= 10) return '*'.repeat(value.length);
  return `${value.slice(0, 6)}${'*'.repeat(value.length - 10)}${value.slice(-4)}`;
}

/**
 * Age in whole years on a date ('YYYY-MM-DD', or a Date read as its Asia/Shanghai calendar
 * date). The age goes up on the birthday itself; someone born on 29 February turns a year
 * older on 1 March in common years.
 */
export function ageOn(birthDate: string, on: Date | string): number {
  const day = typeof on === 'string' ? on : shanghaiDate(on);
  if (!isCalendarDate(birthDate)) throw invalid('无效的出生日期', 'Invalid birth date', 'birthDate');
  if (!isCalendarDate(day)) throw invalid('无效的日期', 'Invalid date', 'on');
  if (day < birthDate) {
    throw invalid('日期早于出生日期', 'The date is before the birth date', 'on');
  }
  const years = Number(day.slice(0, 4)) - Number(birthDate.slice(0, 4));
  return day.slice(5) < birthDate.slice(5) ? years - 1 : years;
}
