import {
  CERTIFICATE_NUMBER,
  DomainError,
  SKILL_LEVEL_INFO,
  type SkillLevel,
  isCalendarDate,
  isSkillLevel,
  maskResidentId,
} from '@vtc/domain';

/**
 * The certificate payload: every field printed on a certificate, and exactly what is signed.
 *
 * Canonical serialisation (version 1): JSON encoded as UTF-8, no whitespace, keys in the fixed
 * order of PAYLOAD_FIELDS, optional fields left out when absent, `level`/`levelName` written as
 * null when the certificate has no level, integers only, strings NFC-normalised at creation.
 * `JSON.stringify` of an object built in that order is exactly this (it writes non-ASCII as
 * UTF-8 and escapes only `"`, `\` and control characters), so every implementation that follows
 * the field order produces the same bytes; `parseCanonicalPayload` accepts only such bytes.
 *
 * A new printed field means `v: 2` (and a second branch in the parser): a verifier must never
 * show fields the signer did not sign, and old certificates stay verifiable as version 1.
 */

export const CERTIFICATE_KINDS = ['SKILL_LEVEL', 'SPECIAL_ABILITY', 'TRAINING_COMPLETION', 'COMPETITION_AWARD'] as const;
export type CertificateKind = (typeof CERTIFICATE_KINDS)[number];

/** Printed titles by kind. */
export const CERTIFICATE_TITLES: Readonly<Record<CertificateKind, { zh: string; en: string }>> = {
  SKILL_LEVEL: { zh: '职业技能等级证书', en: 'Vocational Skill Level Certificate' },
  SPECIAL_ABILITY: { zh: '专项职业能力证书', en: 'Special Vocational Ability Certificate' },
  TRAINING_COMPLETION: { zh: '培训结业证书', en: 'Training Completion Certificate' },
  COMPETITION_AWARD: { zh: '竞赛获奖证书', en: 'Skills Competition Award Certificate' },
};

/** Awards as in prisma's CompetitionAward (NONE issues no award certificate). */
export const COMPETITION_AWARDS = ['GOLD', 'SILVER', 'BRONZE', 'MERIT'] as const;
export type CompetitionAwardLevel = (typeof COMPETITION_AWARDS)[number];
export const COMPETITION_AWARD_NAMES: Readonly<Record<CompetitionAwardLevel, string>> = {
  GOLD: '金奖',
  SILVER: '银奖',
  BRONZE: '铜奖',
  MERIT: '优胜奖',
};

export const PAYLOAD_VERSION = 1;

export interface CertificatePayload {
  readonly v: 1;
  /** Certificate number: the national 22-character format for SKILL_LEVEL, the issuer's scheme otherwise. */
  readonly number: string;
  readonly kind: CertificateKind;
  readonly holderName: string;
  /** Resident ID with only the first 6 and last 4 characters visible (`141002********1234`). */
  readonly holderIdMasked: string;
  /** National occupation code (`4-10-01-05`), or the special-ability item code. */
  readonly occupationCode: string;
  readonly occupationName: string;
  readonly level: SkillLevel | null;
  /** 初级工 … 高级技师, from the domain's SKILL_LEVEL_INFO; null when `level` is null. */
  readonly levelName: string | null;
  readonly issuerName: string;
  /** Unified social credit code (or national evaluation-organisation code) of the issuer. */
  readonly issuerCode: string;
  /** YYYY-MM-DD, Asia/Shanghai calendar date. */
  readonly issuedOn: string;
  // TRAINING_COMPLETION
  readonly classCode?: string;
  readonly className?: string;
  readonly trainingHours?: number;
  readonly trainingStartOn?: string;
  readonly trainingEndOn?: string;
  // COMPETITION_AWARD
  readonly competitionName?: string;
  readonly award?: CompetitionAwardLevel;
  readonly awardName?: string;
  readonly rank?: number;
}

/** The canonical key order. Never reorder within a version. */
export const PAYLOAD_FIELDS = [
  'v',
  'number',
  'kind',
  'holderName',
  'holderIdMasked',
  'occupationCode',
  'occupationName',
  'level',
  'levelName',
  'issuerName',
  'issuerCode',
  'issuedOn',
  'classCode',
  'className',
  'trainingHours',
  'trainingStartOn',
  'trainingEndOn',
  'competitionName',
  'award',
  'awardName',
  'rank',
] as const satisfies ReadonlyArray<keyof CertificatePayload>;

const REQUIRED = new Set<string>(PAYLOAD_FIELDS.slice(0, 12));
const STRING_FIELDS = new Set<string>([
  'number',
  'holderName',
  'holderIdMasked',
  'occupationCode',
  'occupationName',
  'issuerName',
  'issuerCode',
  'issuedOn',
  'classCode',
  'className',
  'trainingStartOn',
  'trainingEndOn',
  'competitionName',
  'awardName',
]);

/** What a use case passes in: the payload minus the derived fields, with either the raw or the masked ID. */
export type CertificatePayloadInput = {
  number: string;
  kind: CertificateKind;
  holderName: string;
  occupationCode: string;
  occupationName: string;
  level?: SkillLevel | null;
  issuerName: string;
  issuerCode: string;
  issuedOn: string;
  classCode?: string;
  className?: string;
  trainingHours?: number;
  trainingStartOn?: string;
  trainingEndOn?: string;
  competitionName?: string;
  award?: CompetitionAwardLevel;
  rank?: number;
} & (
  | { /** The raw resident ID: masked here, never stored in the payload. */ holderResidentId: string; holderIdMasked?: never }
  | { holderIdMasked: string; holderResidentId?: never }
);

const MASKED_ID = /^(?:[0-9A-Z]{6}\*+[0-9A-Z]{4}|\*+)$/;
const NUMBER = /^[A-Z0-9][A-Z0-9-]{0,39}$/;
// Control characters (C0, DEL, C1), line/paragraph separators and bidi overrides have no place on a certificate.
// biome-ignore lint/suspicious/noControlCharactersInRegex: that is the point
const FORBIDDEN_CHARS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

function invalid(field: string, zh: string, en: string): DomainError {
  return new DomainError('VALIDATION', { zh, en }, { field });
}

function text(field: string, value: unknown, max: number, zhName: string): string {
  if (typeof value !== 'string') throw invalid(field, `${zhName}必须填写`, `${field} is required`);
  const v = value.normalize('NFC').trim().replace(/\s+/g, ' ');
  if (v.length === 0) throw invalid(field, `${zhName}必须填写`, `${field} is required`);
  if ([...v].length > max) throw invalid(field, `${zhName}不能超过${max}个字`, `${field} must be at most ${max} characters`);
  if (FORBIDDEN_CHARS.test(v)) throw invalid(field, `${zhName}含有不可打印字符`, `${field} contains control characters`);
  return v;
}

function date(field: string, value: unknown, zhName: string): string {
  if (typeof value !== 'string' || !isCalendarDate(value)) {
    throw invalid(field, `${zhName}须为YYYY-MM-DD格式的日期`, `${field} must be a YYYY-MM-DD date`);
  }
  return value;
}

function positiveInt(field: string, value: unknown, max: number, zhName: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > max) {
    throw invalid(field, `${zhName}须为1至${max}的整数`, `${field} must be an integer 1..${max}`);
  }
  return value;
}

function forbid(input: Record<string, unknown>, kind: CertificateKind, fields: readonly string[]): void {
  for (const f of fields) {
    if (input[f] !== undefined) throw invalid(f, `${CERTIFICATE_TITLES[kind].zh}不含此项`, `${f} does not apply to ${kind}`);
  }
}

const TRAINING_FIELDS = ['classCode', 'className', 'trainingHours', 'trainingStartOn', 'trainingEndOn'] as const;
const COMPETITION_FIELDS = ['competitionName', 'award', 'rank'] as const;

/**
 * Validates the printed fields and builds the payload: masks the resident ID, derives
 * levelName/awardName, normalises text. Throws DomainError('VALIDATION', …, { field }).
 */
export function createCertificatePayload(input: CertificatePayloadInput): CertificatePayload {
  const raw = input as unknown as Record<string, unknown>;
  if (!(CERTIFICATE_KINDS as readonly unknown[]).includes(input.kind)) {
    throw invalid('kind', '证书类别不正确', `Unknown certificate kind ${String(input.kind)}`);
  }
  const kind = input.kind;
  const number = typeof input.number === 'string' ? input.number.trim().toUpperCase() : '';
  if (!NUMBER.test(number)) {
    throw invalid('number', '证书编号须为1至40位大写字母、数字或连字符', 'A certificate number is 1–40 of A–Z, 0–9 and -');
  }
  let holderIdMasked: string;
  if (input.holderResidentId !== undefined) {
    if (input.holderIdMasked !== undefined) {
      throw invalid('holderIdMasked', '身份证号只能提供一种', 'Give either holderResidentId or holderIdMasked');
    }
    holderIdMasked = maskResidentId(String(input.holderResidentId));
  } else {
    holderIdMasked = String(input.holderIdMasked ?? '')
      .trim()
      .toUpperCase();
  }
  if (!MASKED_ID.test(holderIdMasked)) {
    // Never echo the value: it may be an unmasked ID number.
    throw invalid('holderIdMasked', '证书上的身份证号必须脱敏（仅显示前6位和后4位）', 'The ID number must be masked (first 6 / last 4)');
  }
  const level = input.level ?? null;
  if (level !== null && !isSkillLevel(level)) throw invalid('level', '等级不正确', 'Unknown skill level');
  if (kind === 'SKILL_LEVEL') {
    if (level === null) throw invalid('level', '职业技能等级证书必须有等级', 'A skill-level certificate needs a level');
    const m = CERTIFICATE_NUMBER.exec(number);
    if (!m) {
      throw invalid('number', '职业技能等级证书编号须为22位全国统一格式', 'A skill-level certificate number has the national 22-character format');
    }
    if (m[6] !== level.slice(-1)) throw invalid('number', '证书编号中的等级与证书等级不一致', 'The level digit of the number does not match the level');
  }
  if (kind === 'SPECIAL_ABILITY' && level !== null) {
    throw invalid('level', '专项职业能力证书不分等级', 'Special-ability certificates have no level');
  }
  const base = {
    v: PAYLOAD_VERSION,
    number,
    kind,
    holderName: text('holderName', input.holderName, 50, '姓名'),
    holderIdMasked,
    occupationCode: text('occupationCode', input.occupationCode, 24, '职业编码'),
    occupationName: text('occupationName', input.occupationName, 60, '职业（工种）名称'),
    level,
    levelName: level === null ? null : SKILL_LEVEL_INFO[level].zh,
    issuerName: text('issuerName', input.issuerName, 60, '发证机构名称'),
    issuerCode: text('issuerCode', input.issuerCode, 24, '发证机构代码'),
    issuedOn: date('issuedOn', input.issuedOn, '发证日期'),
  } as const;

  if (kind === 'TRAINING_COMPLETION') {
    forbid(raw, kind, COMPETITION_FIELDS);
    const trainingStartOn = date('trainingStartOn', input.trainingStartOn, '培训开始日期');
    const trainingEndOn = date('trainingEndOn', input.trainingEndOn, '培训结束日期');
    if (trainingEndOn < trainingStartOn) throw invalid('trainingEndOn', '培训结束日期早于开始日期', 'Training ends before it starts');
    if (base.issuedOn < trainingEndOn) throw invalid('issuedOn', '发证日期早于培训结束日期', 'Issued before the training ended');
    const payload: CertificatePayload = {
      ...base,
      classCode: text('classCode', input.classCode, 32, '培训班编号'),
      ...(input.className === undefined ? {} : { className: text('className', input.className, 60, '培训班名称') }),
      trainingHours: positiveInt('trainingHours', input.trainingHours, 10_000, '培训学时'),
      trainingStartOn,
      trainingEndOn,
    };
    return ordered(payload);
  }
  if (kind === 'COMPETITION_AWARD') {
    forbid(raw, kind, TRAINING_FIELDS);
    const award = input.award;
    if (award === undefined || !(COMPETITION_AWARDS as readonly string[]).includes(award)) {
      throw invalid('award', '获奖等次不正确', 'award must be GOLD, SILVER, BRONZE or MERIT');
    }
    const payload: CertificatePayload = {
      ...base,
      competitionName: text('competitionName', input.competitionName, 80, '竞赛名称'),
      award,
      awardName: COMPETITION_AWARD_NAMES[award],
      ...(input.rank === undefined ? {} : { rank: positiveInt('rank', input.rank, 100_000, '名次') }),
    };
    return ordered(payload);
  }
  forbid(raw, kind, [...TRAINING_FIELDS, ...COMPETITION_FIELDS]);
  return ordered(base);
}

/** A frozen copy with the keys in canonical order (so even JSON.stringify(payload) is canonical). */
function ordered(payload: CertificatePayload): CertificatePayload {
  const out: Record<string, unknown> = {};
  const src = payload as unknown as Record<string, unknown>;
  for (const k of PAYLOAD_FIELDS) if (src[k] !== undefined) out[k] = src[k];
  return Object.freeze(out) as unknown as CertificatePayload;
}

/** The canonical serialisation as a string. */
export function canonicalPayloadString(payload: CertificatePayload): string {
  return JSON.stringify(ordered(payload));
}

const encoder = new TextEncoder();
/** The canonical serialisation: the exact bytes that are signed and carried in the QR code. */
export function canonicalPayload(payload: CertificatePayload): Uint8Array {
  return encoder.encode(canonicalPayloadString(payload));
}

export class PayloadFormatError extends Error {
  override readonly name = 'PayloadFormatError';
}

const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/**
 * Parses canonical payload bytes. Accepts only version-1 payloads whose re-serialisation is
 * byte-identical (so no unknown, duplicate or reordered keys, no whitespace, no other number
 * forms), with the right JSON types per field. It checks structure, not business rules: a
 * validly signed certificate stays readable even if, say, level names change later.
 */
export function parseCanonicalPayload(bytes: Uint8Array): CertificatePayload {
  let str: string;
  let value: unknown;
  try {
    str = decoder.decode(bytes);
    value = JSON.parse(str);
  } catch {
    throw new PayloadFormatError('payload is not UTF-8 JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new PayloadFormatError('payload is not a JSON object');
  }
  const obj = value as Record<string, unknown>;
  if (obj.v !== PAYLOAD_VERSION) throw new PayloadFormatError(`unsupported payload version ${JSON.stringify(obj.v)}`);
  for (const k of Object.keys(obj)) {
    if (!(PAYLOAD_FIELDS as readonly string[]).includes(k)) throw new PayloadFormatError(`unknown field ${k}`);
  }
  for (const k of PAYLOAD_FIELDS) {
    const x = obj[k];
    if (x === undefined) {
      if (REQUIRED.has(k)) throw new PayloadFormatError(`missing field ${k}`);
      continue;
    }
    if (STRING_FIELDS.has(k) && typeof x !== 'string') throw new PayloadFormatError(`${k} must be a string`);
  }
  if (!(CERTIFICATE_KINDS as readonly unknown[]).includes(obj.kind)) throw new PayloadFormatError('unknown kind');
  if (obj.level === null) {
    if (obj.levelName !== null) throw new PayloadFormatError('levelName without level');
  } else if (typeof obj.level !== 'string' || !isSkillLevel(obj.level) || typeof obj.levelName !== 'string') {
    throw new PayloadFormatError('bad level');
  }
  for (const k of ['trainingHours', 'rank'] as const) {
    if (obj[k] !== undefined && (typeof obj[k] !== 'number' || !Number.isSafeInteger(obj[k]))) {
      throw new PayloadFormatError(`${k} must be an integer`);
    }
  }
  if (obj.award !== undefined && !(COMPETITION_AWARDS as readonly unknown[]).includes(obj.award)) {
    throw new PayloadFormatError('unknown award');
  }
  if (JSON.stringify(ordered(obj as unknown as CertificatePayload)) !== str) {
    throw new PayloadFormatError('payload is not in canonical form');
  }
  return ordered(obj as unknown as CertificatePayload);
}

/** Every text the PDF prints from a payload (for font coverage checks). */
export function payloadTexts(payload: CertificatePayload): string[] {
  const src = payload as unknown as Record<string, unknown>;
  return PAYLOAD_FIELDS.map((k) => src[k]).filter((x): x is string => typeof x === 'string');
}
