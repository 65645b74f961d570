import { DomainError, type LocalizedText } from '../shared/errors';
import { isRegionCode } from './region-code';

/**
 * GB 32100-2015 unified social credit code (统一社会信用代码), 18 characters:
 * 1 registration authority code, 2 organisation type code, 3–8 region code (GB/T 2260),
 * 9–17 organisation code (GB 11714 main body), 18 check character.
 * The character set is the digits and upper-case Latin letters without I, O, S, V, Z.
 */
export const CREDIT_CODE_CHARSET = '0123456789ABCDEFGHJKLMNPQRTUWXY';

/** W_i = 3^(i-1) mod 31, i = 1..17 */
export const CREDIT_CODE_WEIGHTS: readonly number[] = [
  1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

export type CreditCodeRule = 'LENGTH' | 'CHARSET' | 'REGION' | 'CHECKSUM';

export interface CreditCode {
  /** Normalised: trimmed, upper-case. */
  code: string;
  regionCode: string;
  authority: string;
  orgType: string;
  orgCode: string;
  checkValid: true;
}

export type CreditCodeResult =
  | { ok: true; value: CreditCode }
  | { ok: false; rule: CreditCodeRule; message: LocalizedText };

export type CreditCodeClass = 'VALID' | 'NEEDS_REVIEW' | 'INVALID';

const MESSAGES: Record<CreditCodeRule, LocalizedText> = {
  LENGTH: {
    zh: '统一社会信用代码应为18位',
    en: 'A unified social credit code must have 18 characters',
  },
  CHARSET: {
    zh: '统一社会信用代码只能包含数字和除I、O、S、V、Z以外的大写字母',
    en: 'A unified social credit code may only contain digits and letters other than I, O, S, V, Z',
  },
  REGION: {
    zh: '统一社会信用代码中的行政区划代码无效',
    en: 'The region code in the unified social credit code is not valid',
  },
  CHECKSUM: {
    zh: '统一社会信用代码校验码错误',
    en: 'The check character of the unified social credit code is wrong',
  },
};

const CHARSET_17 = new RegExp(`^[${CREDIT_CODE_CHARSET}]{17}$`);
const CHARSET_18 = new RegExp(`^[${CREDIT_CODE_CHARSET}]{18}$`);

function invalid(zh: string, en: string, field: string): DomainError {
  return new DomainError('VALIDATION', { zh, en }, { field });
}

/**
 * The 6-digit region of a unified social credit code (characters 3–8), as written: not checked,
 * so a code that fails `parseCreditCode` still names the region it claims.
 */
export function creditCodeRegion(code: string): string {
  return code.slice(2, 8);
}

/** C18 = 31 − (Σ C_i·W_i mod 31); a result of 31 is written '0'. */
export function creditCodeCheckChar(first17: string): string {
  if (!CHARSET_17.test(first17)) {
    throw invalid('需要17位代码字符', 'Expected 17 credit-code characters', 'first17');
  }
  const sum = CREDIT_CODE_WEIGHTS.reduce(
    (acc, weight, i) => acc + weight * CREDIT_CODE_CHARSET.indexOf(first17.charAt(i)),
    0,
  );
  return CREDIT_CODE_CHARSET.charAt((31 - (sum % 31)) % 31);
}

export function parseCreditCode(input: string): CreditCodeResult {
  const fail = (rule: CreditCodeRule): CreditCodeResult => ({
    ok: false,
    rule,
    message: MESSAGES[rule],
  });
  const code = input.trim().toUpperCase();
  if (code.length !== 18) return fail('LENGTH');
  if (!CHARSET_18.test(code)) return fail('CHARSET');
  const regionCode = creditCodeRegion(code);
  if (!isRegionCode(regionCode)) return fail('REGION');
  if (creditCodeCheckChar(code.slice(0, 17)) !== code.charAt(17)) return fail('CHECKSUM');
  return {
    ok: true,
    value: {
      code,
      regionCode,
      authority: code.charAt(0),
      orgType: code.charAt(1),
      orgCode: code.slice(8, 17),
      checkValid: true,
    },
  };
}

/**
 * Some codes issued in early pilots fail the check: a well-formed code whose only fault is the
 * check character goes to manual review instead of being rejected.
 */
export function classifyCreditCode(input: string): CreditCodeClass {
  const result = parseCreditCode(input);
  if (result.ok) return 'VALID';
  return result.rule === 'CHECKSUM' ? 'NEEDS_REVIEW' : 'INVALID';
}

/** Builds a valid code (for seeds and tests). Defaults: authority '9' (market regulation), type '1' (enterprise). */
export function makeCreditCode(parts: {
  authority?: string;
  orgType?: string;
  regionCode: string;
  orgCode9: string;
}): string {
  const { authority = '9', orgType = '1', regionCode, orgCode9 } = parts;
  if (!isRegionCode(regionCode)) {
    throw invalid('无效的行政区划代码', 'Invalid region code', 'regionCode');
  }
  const first17 = `${authority}${orgType}${regionCode}${orgCode9}`.toUpperCase();
  const lengthsOk = authority.length === 1 && orgType.length === 1 && orgCode9.length === 9;
  if (!lengthsOk || !CHARSET_17.test(first17)) {
    throw invalid(
      '登记管理部门、机构类别各1位，组织机构代码9位，且只能使用代码字符集',
      'Authority and type must be 1 character each and the organisation code 9, all from the code charset',
      'orgCode9',
    );
  }
  return first17 + creditCodeCheckChar(first17);
}
