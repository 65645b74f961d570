/** 重点群体: the priority groups named in the policies (docs/domain.md glossary), with their Chinese names. */
export const PRIORITY_GROUPS = [
  'RURAL_MIGRANT_WORKER',
  'POVERTY_RELIEF_LABOUR',
  'COLLEGE_GRADUATE',
  'UNEMPLOYED',
  'VETERAN',
  'DISABLED',
  'EMPLOYMENT_DIFFICULTY',
  'TWO_AFTER_YOUTH',
  'FLEXIBLE_WORKER',
] as const;

export type PriorityGroup = (typeof PRIORITY_GROUPS)[number];

export const PRIORITY_GROUP_NAMES: Readonly<Record<PriorityGroup, string>> = {
  RURAL_MIGRANT_WORKER: '农民工',
  POVERTY_RELIEF_LABOUR: '脱贫劳动力',
  COLLEGE_GRADUATE: '高校毕业生',
  UNEMPLOYED: '失业人员',
  VETERAN: '退役军人',
  DISABLED: '残疾人',
  EMPLOYMENT_DIFFICULTY: '就业困难人员',
  TWO_AFTER_YOUTH: '两后生',
  FLEXIBLE_WORKER: '灵活就业人员',
};

/** 户籍类型 */
export const HOUSEHOLD_TYPES = ['URBAN', 'RURAL'] as const;
export type HouseholdType = (typeof HOUSEHOLD_TYPES)[number];

/** A holder's name as public pages show it: the first character only (张伟 → 张*, 欧阳娜娜 → 欧***). */
export function maskPersonName(name: string): string {
  const chars = [...name.trim()];
  return chars.length <= 1 ? '*' : `${chars[0]}${'*'.repeat(chars.length - 1)}`;
}

/**
 * A phone number as staff screens show it: the first 3 and last 4 characters, the rest as ****
 * (13812345678 → 138****5678). Shorter than 7 characters, or none, it is shown as it is.
 */
export function maskPhone(phone: string | null): string | null {
  return phone && phone.length >= 7 ? `${phone.slice(0, 3)}****${phone.slice(-4)}` : phone;
}
