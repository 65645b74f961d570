import { isCalendarDate, shanghaiDate } from '../shared/calendar-date';
import { isResidentIdRule, parseResidentId, type ResidentIdRule, type Sex } from '../identifiers/resident-id';
import type { DomainErrorCode } from '../shared/errors';
import { HOUSEHOLD_TYPES, type HouseholdType, PRIORITY_GROUP_NAMES, PRIORITY_GROUPS, type PriorityGroup } from '../person/person';
import { checkWorkingAge, type TrainingRules } from './policy';

/**
 * Validation of one real-name trainee (学员): used by single registration and by every row of a
 * roster import (花名册), so both give the same rule codes and the same bilingual messages.
 */
export type TraineeField = 'name' | 'idNumber' | 'phone' | 'householdType' | 'priorityGroups';

/** Stable rule codes: the resident ID rules of parseResidentId plus the ones below. */
export type TraineeRule = ResidentIdRule | 'REQUIRED' | 'LENGTH' | 'FORMAT' | 'WORKING_AGE' | 'UNKNOWN' | 'DUPLICATE';

export interface TraineeFieldError {
  field: TraineeField;
  /** e.g. 'REQUIRED', 'CHECKSUM' (from parseResidentId), 'WORKING_AGE'. */
  rule: TraineeRule;
  zh: string;
  en: string;
}

/**
 * The DomainError code of a refused trainee, by its first error: INELIGIBLE for the working age,
 * INVALID_RESIDENT_ID when the ID number itself is wrong (length, form, region, birth date, check
 * character), else VALIDATION.
 */
export function traineeErrorCode(first: Pick<TraineeFieldError, 'field' | 'rule'>): DomainErrorCode {
  if (first.rule === 'WORKING_AGE') return 'INELIGIBLE';
  if (first.field === 'idNumber' && isResidentIdRule(first.rule)) return 'INVALID_RESIDENT_ID';
  return 'VALIDATION';
}

export interface TraineeRawInput {
  name?: unknown;
  idNumber?: unknown;
  phone?: unknown;
  householdType?: unknown;
  priorityGroups?: unknown;
}

export interface TraineeValue {
  name: string;
  /** Normalised: trimmed, check character upper-case. */
  idNumber: string;
  /** 'YYYY-MM-DD' */
  birthDate: string;
  sex: Sex;
  originRegionCode: string;
  /** Mobile '13812345678' or landline '0357-1234567'; null when not given. */
  phone: string | null;
  householdType: HouseholdType | null;
  priorityGroups: PriorityGroup[];
}

export type TraineeValidation = { ok: true; value: TraineeValue } | { ok: false; errors: TraineeFieldError[] };

export interface TraineeValidationContext {
  today: Date;
  rules: TrainingRules;
  /** Date the working age is checked on ('YYYY-MM-DD', usually the class start date); default today. */
  on?: string;
}

export const TRAINEE_NAME_MIN = 2;
export const TRAINEE_NAME_MAX = 30;

/** Cells may arrive as numbers (spreadsheets) or strings; anything else is treated as absent. */
function text(v: unknown): string {
  if (typeof v === 'string') return v.trim();
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  if (typeof v === 'bigint') return String(v);
  return '';
}

/** Middle-dot look-alikes people type in minority names (买买提·吐尔逊): all become U+00B7. */
const DOT_VARIANTS = /[•∙・･‧⋅．.]/g;
const HAN_NAME = /^\p{Script=Han}+(?:·\p{Script=Han}+)*$/u;
const LATIN_NAME = /^\p{L}+(?:[ ·]\p{L}+)*$/u;

/**
 * Fast path: 2–30 characters of the CJK Unified Ideographs block up to U+9FA5 (all assigned, all
 * Script=Han since Unicode 1.1): such a name is already normalised and valid, exactly as below.
 */
const PLAIN_HAN_NAME = /^[\u4e00-\u9fa5]{2,30}$/;

function checkName(raw: unknown): { value: string } | TraineeFieldError {
  if (typeof raw === 'string' && PLAIN_HAN_NAME.test(raw)) return { value: raw };
  const name = text(raw).replace(/\s+/g, ' ').replace(DOT_VARIANTS, '·').replace(/\s*·\s*/g, '·');
  if (name === '') return { field: 'name', rule: 'REQUIRED', zh: '姓名不能为空', en: 'The name is required' };
  const length = [...name].length;
  if (length < TRAINEE_NAME_MIN || length > TRAINEE_NAME_MAX) {
    return {
      field: 'name',
      rule: 'LENGTH',
      zh: `姓名应为${TRAINEE_NAME_MIN}至${TRAINEE_NAME_MAX}个字符`,
      en: `The name must have ${TRAINEE_NAME_MIN} to ${TRAINEE_NAME_MAX} characters`,
    };
  }
  const han = HAN_NAME.test(name);
  // Latin-script names (letters and spaces) must not mix in Han characters.
  const latin = !/\p{Script=Han}/u.test(name) && LATIN_NAME.test(name);
  if (!han && !latin) {
    return {
      field: 'name',
      rule: 'FORMAT',
      zh: '姓名只能包含汉字(少数民族姓名可用间隔号“·”)或字母和空格',
      en: 'The name may contain only Chinese characters (with the middle dot "·" in minority names) or letters and spaces',
    };
  }
  return { value: name };
}

const MOBILE = /^1[3-9]\d{9}$/;
/** Area code 010, 02X or 0[3-9]XX, then a 7- or 8-digit local number not starting with 0. */
const LANDLINE = /^(0(?:10|2\d|[3-9]\d{2}))-?([1-9]\d{6,7})$/;

function checkPhone(raw: unknown): { value: string | null } | TraineeFieldError {
  // Fast path: a plain mobile number is its own normal form.
  if (typeof raw === 'string' && MOBILE.test(raw)) return { value: raw };
  let phone = text(raw).replace(/[\s()（）]/g, '');
  if (phone === '') return { value: null };
  phone = phone.replace(/^(?:\+86|0086)-?/, '');
  const digits = phone.replace(/-/g, '');
  if (MOBILE.test(digits)) return { value: digits };
  const landline = LANDLINE.exec(phone);
  if (landline) return { value: `${landline[1]}-${landline[2]}` };
  return {
    field: 'phone',
    rule: 'FORMAT',
    zh: '手机号码应为11位(1开头),固定电话应带区号(如0357-1234567)',
    en: 'A mobile number has 11 digits starting with 1; a landline needs its area code (e.g. 0357-1234567)',
  };
}

const HOUSEHOLD_ALIASES: Readonly<Record<string, HouseholdType>> = {
  城镇: 'URBAN',
  城镇户口: 'URBAN',
  城镇户籍: 'URBAN',
  非农业: 'URBAN',
  非农业户口: 'URBAN',
  农村: 'RURAL',
  农村户口: 'RURAL',
  农村户籍: 'RURAL',
  农业: 'RURAL',
  农业户口: 'RURAL',
};

function checkHouseholdType(raw: unknown): { value: HouseholdType | null } | TraineeFieldError {
  const v = text(raw);
  if (v === '') return { value: null };
  const upper = v.toUpperCase();
  if ((HOUSEHOLD_TYPES as readonly string[]).includes(upper)) return { value: upper as HouseholdType };
  const alias = HOUSEHOLD_ALIASES[v];
  if (alias) return { value: alias };
  return {
    field: 'householdType',
    rule: 'UNKNOWN',
    zh: `户籍类型“${v}”无法识别,应为“城镇”或“农村”`,
    en: `Unknown household type "${v}": use URBAN (城镇) or RURAL (农村)`,
  };
}

const GROUP_BY_NAME: ReadonlyMap<string, PriorityGroup> = new Map(
  PRIORITY_GROUPS.flatMap((g) => [
    [g, g],
    [PRIORITY_GROUP_NAMES[g], g],
  ]),
);
/** 、 , ， ; ； | ｜ */
const GROUP_SEPARATORS = /[、,，;；|｜]/;

function checkPriorityGroups(raw: unknown): { value: PriorityGroup[] } | TraineeFieldError {
  if (raw === undefined || raw === null || raw === '') return { value: [] };
  const parts = Array.isArray(raw) ? raw.map(text) : text(raw).split(GROUP_SEPARATORS).map((s) => s.trim());
  const groups: PriorityGroup[] = [];
  for (const part of parts) {
    if (part === '') continue;
    const group = GROUP_BY_NAME.get(part) ?? GROUP_BY_NAME.get(part.toUpperCase());
    if (!group) {
      return {
        field: 'priorityGroups',
        rule: 'UNKNOWN',
        zh: `重点群体“${part}”无法识别,可填:${PRIORITY_GROUPS.map((g) => PRIORITY_GROUP_NAMES[g]).join('、')}`,
        en: `Unknown priority group "${part}"; allowed: ${PRIORITY_GROUPS.join(', ')}`,
      };
    }
    if (groups.includes(group)) {
      return {
        field: 'priorityGroups',
        rule: 'DUPLICATE',
        zh: `重点群体“${PRIORITY_GROUP_NAMES[group]}”重复填写`,
        en: `Priority group ${group} is listed twice`,
      };
    }
    groups.push(group);
  }
  return { value: groups };
}

function isError(v: object): v is TraineeFieldError {
  return 'field' in v;
}

/** The date the working age is checked on, remembered per context (a roster validates many rows with one). */
const CHECK_DATES = new WeakMap<TraineeValidationContext, { on: string | undefined; today: number; date: string }>();

function checkDate(ctx: TraineeValidationContext): string {
  const today = ctx.today.getTime();
  const known = CHECK_DATES.get(ctx);
  if (known && known.on === ctx.on && known.today === today) return known.date;
  const date = ctx.on !== undefined && isCalendarDate(ctx.on) ? ctx.on : shanghaiDate(ctx.today);
  CHECK_DATES.set(ctx, { on: ctx.on, today, date });
  return date;
}

/**
 * Validates and normalises one trainee. All fields are checked, so one call reports every problem
 * of a row; the working-age check runs only when the ID number itself is valid.
 */
export function validateTraineeInput(raw: TraineeRawInput, ctx: TraineeValidationContext): TraineeValidation {
  const errors: TraineeFieldError[] = [];
  const name = checkName(raw.name);
  if (isError(name)) errors.push(name);

  let id: { id: string; birthDate: string; sex: Sex; regionCode: string } | null = null;
  const idText = text(raw.idNumber);
  if (idText === '') {
    errors.push({ field: 'idNumber', rule: 'REQUIRED', zh: '身份证号码不能为空', en: 'The resident ID number is required' });
  } else {
    const parsed = parseResidentId(idText, ctx.today);
    if (parsed.ok) {
      id = parsed.value;
    } else {
      errors.push({ field: 'idNumber', rule: parsed.rule, zh: parsed.message.zh, en: parsed.message.en });
    }
  }
  if (id) {
    const on = checkDate(ctx);
    if (id.birthDate > on) {
      errors.push({
        field: 'idNumber',
        rule: 'WORKING_AGE',
        zh: `出生日期${id.birthDate}晚于培训开始日期${on}`,
        en: `The birth date ${id.birthDate} is after the training start date ${on}`,
      });
    } else {
      const age = checkWorkingAge(id.birthDate, id.sex, on, ctx.rules);
      if (!age.ok) errors.push({ field: 'idNumber', rule: 'WORKING_AGE', zh: age.zh, en: age.en });
    }
  }

  const phone = checkPhone(raw.phone);
  if (isError(phone)) errors.push(phone);
  const household = checkHouseholdType(raw.householdType);
  if (isError(household)) errors.push(household);
  const groups = checkPriorityGroups(raw.priorityGroups);
  if (isError(groups)) errors.push(groups);

  if (errors.length > 0 || !id || isError(name) || isError(phone) || isError(household) || isError(groups)) {
    return { ok: false, errors };
  }
  return {
    ok: true,
    value: {
      name: name.value,
      idNumber: id.id,
      birthDate: id.birthDate,
      sex: id.sex,
      originRegionCode: id.regionCode,
      phone: phone.value,
      householdType: household.value,
      priorityGroups: groups.value,
    },
  };
}
