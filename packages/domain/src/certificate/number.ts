import { DomainError } from '../shared/errors';
import type { SkillLevel } from './skill-level';

/**
 * The national 22-character skill-level certificate number (docs/domain.md):
 *   1 letter  Y = employer evaluation, S = social training-evaluation organisation
 *   4 digits  evaluation organisation code
 *   2 digits  province (first two digits of the GB/T 2260 code)
 *   6 digits  evaluation site
 *   2 digits  year (last two digits)
 *   1 digit   level (5 初级工 … 1 高级技师)
 *   6 digits  serial within the prefix above
 * Serials are never reused: a revoked certificate keeps its number.
 */
export type EvaluatorType = 'Y' | 'S';

export interface CertificateNumberParts {
  evaluatorType: EvaluatorType;
  organizationCode: string;
  provinceCode: string;
  siteCode: string;
  year: number;
  level: SkillLevel;
  serial: number;
}

const LEVEL_DIGIT: Record<SkillLevel, string> = { LEVEL_5: '5', LEVEL_4: '4', LEVEL_3: '3', LEVEL_2: '2', LEVEL_1: '1' };
const DIGIT_LEVEL: Record<string, SkillLevel> = { '5': 'LEVEL_5', '4': 'LEVEL_4', '3': 'LEVEL_3', '2': 'LEVEL_2', '1': 'LEVEL_1' };
export const CERTIFICATE_NUMBER = /^([YS])(\d{4})(\d{2})(\d{6})(\d{2})([1-5])(\d{6})$/;
export const MAX_CERTIFICATE_SERIAL = 999_999;

function bad(field: string, zh: string, en: string): DomainError {
  return new DomainError('VALIDATION', { zh, en }, { field });
}

/** Everything but the serial: the key of the serial counter. */
export function certificateNumberPrefix(p: Omit<CertificateNumberParts, 'serial'>): string {
  if (p.evaluatorType !== 'Y' && p.evaluatorType !== 'S') throw bad('evaluatorType', '评价机构类型须为Y或S', 'Evaluator type must be Y or S');
  if (!/^\d{4}$/.test(p.organizationCode)) throw bad('organizationCode', '评价机构代码须为4位数字', 'Evaluation organisation code must be 4 digits');
  if (!/^\d{2}$/.test(p.provinceCode)) throw bad('provinceCode', '省份代码须为2位数字', 'Province code must be 2 digits');
  if (!/^\d{6}$/.test(p.siteCode)) throw bad('siteCode', '评价站点代码须为6位数字', 'Evaluation site code must be 6 digits');
  if (!Number.isInteger(p.year) || p.year < 2000 || p.year > 2099) throw bad('year', '年份不正确', 'Year must be 2000–2099');
  const digit = LEVEL_DIGIT[p.level];
  if (!digit) throw bad('level', '等级不正确', 'Unknown skill level');
  return `${p.evaluatorType}${p.organizationCode}${p.provinceCode}${p.siteCode}${String(p.year % 100).padStart(2, '0')}${digit}`;
}

export function formatCertificateNumber(p: CertificateNumberParts): string {
  if (!Number.isInteger(p.serial) || p.serial < 1 || p.serial > MAX_CERTIFICATE_SERIAL) {
    throw new DomainError('CONFLICT', { zh: '该批次证书序号已用尽', en: 'Certificate serials for this prefix are exhausted' }, { field: 'serial' });
  }
  return `${certificateNumberPrefix(p)}${String(p.serial).padStart(6, '0')}`;
}

export function parseCertificateNumber(input: string): CertificateNumberParts | null {
  const m = CERTIFICATE_NUMBER.exec(input.trim().toUpperCase());
  if (!m) return null;
  const [, type, org, prov, site, yy, lvl, serial] = m;
  if (Number(serial) === 0) return null;
  return {
    evaluatorType: type as EvaluatorType,
    organizationCode: org!,
    provinceCode: prov!,
    siteCode: site!,
    year: 2000 + Number(yy),
    level: DIGIT_LEVEL[lvl!]!,
    serial: Number(serial),
  };
}
