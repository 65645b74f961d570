/** 职业技能等级: five levels, LEVEL_5 (五级) the lowest, LEVEL_1 (一级) the highest. */
export const SKILL_LEVELS = ['LEVEL_5', 'LEVEL_4', 'LEVEL_3', 'LEVEL_2', 'LEVEL_1'] as const;

export type SkillLevel = (typeof SKILL_LEVELS)[number];

export interface SkillLevelInfo {
  /** 1 = LEVEL_5 (lowest) … 5 = LEVEL_1 (highest) */
  rank: number;
  zh: string;
  en: string;
}

export const SKILL_LEVEL_INFO: Readonly<Record<SkillLevel, SkillLevelInfo>> = {
  LEVEL_5: { rank: 1, zh: '初级工', en: 'Elementary' },
  LEVEL_4: { rank: 2, zh: '中级工', en: 'Intermediate' },
  LEVEL_3: { rank: 3, zh: '高级工', en: 'Advanced' },
  LEVEL_2: { rank: 4, zh: '技师', en: 'Technician' },
  LEVEL_1: { rank: 5, zh: '高级技师', en: 'Senior Technician' },
};

export function isSkillLevel(value: string): value is SkillLevel {
  return (SKILL_LEVELS as readonly string[]).includes(value);
}

export function skillLevelRank(level: SkillLevel): number {
  return SKILL_LEVEL_INFO[level].rank;
}

/** True when `a` is strictly higher than `b`. */
export function isHigherLevel(a: SkillLevel, b: SkillLevel): boolean {
  return skillLevelRank(a) > skillLevelRank(b);
}
