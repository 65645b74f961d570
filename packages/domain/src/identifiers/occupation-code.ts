import type { LocalizedText } from '../shared/errors';

/**
 * Codes of the national occupational classification (中华人民共和国职业分类大典):
 * major group (1 digit, 1–8) - middle group (2) - minor group (2) - occupation (2),
 * e.g. `4-10-01-05`; some occupations add a 2-digit work type (工种), e.g. `6-18-02-04-01`.
 */
export interface OccupationCode {
  /** Normalised: trimmed. */
  code: string;
  major: number;
  middle: string;
  minor: string;
  detail: string;
  /** The 工种 suffix, or null for a 4-part code. */
  workType: string | null;
}

export type OccupationCodeRule = 'FORMAT' | 'MAJOR';

export type OccupationCodeResult =
  | { ok: true; value: OccupationCode }
  | { ok: false; rule: OccupationCodeRule; message: LocalizedText };

const MESSAGES: Record<OccupationCodeRule, LocalizedText> = {
  FORMAT: {
    zh: '职业编码格式应为 X-XX-XX-XX 或 X-XX-XX-XX-XX',
    en: 'An occupation code must look like X-XX-XX-XX or X-XX-XX-XX-XX',
  },
  MAJOR: {
    zh: '职业编码的大类应为1至8',
    en: 'The major group of an occupation code must be 1 to 8',
  },
};

const PATTERN = /^(\d)-(\d{2})-(\d{2})-(\d{2})(?:-(\d{2}))?$/;

export function parseOccupationCode(input: string): OccupationCodeResult {
  const code = input.trim();
  const match = PATTERN.exec(code);
  if (!match) return { ok: false, rule: 'FORMAT', message: MESSAGES.FORMAT };
  const [, major = '', middle = '', minor = '', detail = '', workType] = match;
  const majorGroup = Number(major);
  if (majorGroup < 1 || majorGroup > 8) return { ok: false, rule: 'MAJOR', message: MESSAGES.MAJOR };
  return {
    ok: true,
    value: { code, major: majorGroup, middle, minor, detail, workType: workType ?? null },
  };
}

export function isOccupationCode(input: string): boolean {
  return parseOccupationCode(input).ok;
}
