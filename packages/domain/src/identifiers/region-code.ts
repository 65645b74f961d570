import { DomainError } from '../shared/errors';

/**
 * GB/T 2260 administrative division codes: 2 digits province, 2 digits city (prefecture),
 * 2 digits county. `xx0000` is a province, `xxxx00` a city (or the 市辖区 / 省直辖 grouping,
 * e.g. 110100, 429000), anything else a county-level division.
 */
export const PROVINCE_PREFIXES: readonly string[] = [
  '11', '12', '13', '14', '15', // 北京 天津 河北 山西 内蒙古
  '21', '22', '23', // 辽宁 吉林 黑龙江
  '31', '32', '33', '34', '35', '36', '37', // 上海 江苏 浙江 安徽 福建 江西 山东
  '41', '42', '43', '44', '45', '46', // 河南 湖北 湖南 广东 广西 海南
  '50', '51', '52', '53', '54', // 重庆 四川 贵州 云南 西藏
  '61', '62', '63', '64', '65', // 陕西 甘肃 青海 宁夏 新疆
  '71', '81', '82', // 台湾 香港 澳门
];

export type RegionLevel = 'PROVINCE' | 'CITY' | 'COUNTY';

/** 6 digits, a real province prefix, and no county part under a missing city part (xx00nn). */
export function isRegionCode(code: string): boolean {
  if (!/^\d{6}$/.test(code)) return false;
  if (!PROVINCE_PREFIXES.includes(code.slice(0, 2))) return false;
  return !(code.slice(2, 4) === '00' && code.slice(4, 6) !== '00');
}

function assertRegionCode(code: string): void {
  if (!isRegionCode(code)) {
    throw new DomainError(
      'VALIDATION',
      { zh: `无效的行政区划代码：${code}`, en: `Invalid region code: ${code}` },
      { field: 'regionCode' },
    );
  }
}

export function regionLevel(code: string): RegionLevel {
  assertRegionCode(code);
  if (code.endsWith('0000')) return 'PROVINCE';
  if (code.endsWith('00')) return 'CITY';
  return 'COUNTY';
}

/** County → its city `xxxx00`, city → its province `xx0000`, province → null. */
export function parentRegionCode(code: string): string | null {
  switch (regionLevel(code)) {
    case 'PROVINCE':
      return null;
    case 'CITY':
      return `${code.slice(0, 2)}0000`;
    case 'COUNTY':
      return `${code.slice(0, 4)}00`;
  }
}

/** The code itself first, then each parent up to the province. */
export function regionAncestors(code: string): string[] {
  const chain: string[] = [];
  for (let current: string | null = code; current !== null; current = parentRegionCode(current)) {
    chain.push(current);
  }
  return chain;
}

/**
 * Whether a bureau at `ancestorCode` may see data of `code`: a province sees every code with its
 * 2-digit prefix, a city every code with its 4-digit prefix, a county only itself.
 * Malformed codes are never covered.
 */
export function regionCovers(ancestorCode: string, code: string): boolean {
  if (!isRegionCode(ancestorCode) || !isRegionCode(code)) return false;
  switch (regionLevel(ancestorCode)) {
    case 'PROVINCE':
      return code.slice(0, 2) === ancestorCode.slice(0, 2);
    case 'CITY':
      return code.slice(0, 4) === ancestorCode.slice(0, 4);
    case 'COUNTY':
      return code === ancestorCode;
  }
}

/**
 * The same rule as `regionCovers`, as a code prefix for database filters: every region a bureau at
 * `code` covers starts with this prefix (a county's prefix is its whole code).
 */
export function regionScopePrefix(code: string): string {
  switch (regionLevel(code)) {
    case 'PROVINCE':
      return code.slice(0, 2);
    case 'CITY':
      return code.slice(0, 4);
    case 'COUNTY':
      return code;
  }
}
