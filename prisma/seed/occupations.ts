import type { SkillLevel } from '@vtc/domain';

/**
 * Occupations from the national occupational classification (中华人民共和国职业分类大典) with
 * the levels their national skill standards define, and 专项职业能力 items.
 *
 * Special-ability items have no national code: they are local assessment items. They are coded
 * here as the closest national occupation plus a `9x` item number in the work-type position
 * (e.g. 4-10-04-02-91 修脚), which keeps them apart from real 工种 codes and parseable by
 * `parseOccupationCode`.
 */
export interface OccupationSeed {
  key: string;
  code: string;
  name: string;
  /** 1 = highest-demand occupations (largest subsidy); amounts per tier are policy data. */
  subsidyTier: number;
  levels: readonly SkillLevel[];
  specialAbility: boolean;
}

const ALL: SkillLevel[] = ['LEVEL_5', 'LEVEL_4', 'LEVEL_3', 'LEVEL_2', 'LEVEL_1'];
const UP_TO_3: SkillLevel[] = ['LEVEL_5', 'LEVEL_4', 'LEVEL_3'];

export const OCCUPATIONS = [
  { key: 'eldercare', code: '4-10-01-05', name: '养老护理员', subsidyTier: 1, levels: ALL, specialAbility: false },
  { key: 'housekeeping', code: '4-10-01-06', name: '家政服务员', subsidyTier: 1, levels: ALL, specialAbility: false },
  { key: 'nursery', code: '4-10-01-03', name: '保育师', subsidyTier: 2, levels: ALL, specialAbility: false },
  { key: 'infantcare', code: '4-10-01-02', name: '育婴员', subsidyTier: 2, levels: UP_TO_3, specialAbility: false },
  { key: 'welder', code: '6-18-02-04', name: '焊工', subsidyTier: 1, levels: ALL, specialAbility: false },
  { key: 'electrician', code: '6-31-01-03', name: '电工', subsidyTier: 1, levels: ALL, specialAbility: false },
  { key: 'chineseCook', code: '4-03-02-01', name: '中式烹调师', subsidyTier: 2, levels: ALL, specialAbility: false },
  { key: 'chinesePastry', code: '4-03-02-02', name: '中式面点师', subsidyTier: 2, levels: ALL, specialAbility: false },
  { key: 'agriTech', code: '5-05-01-00', name: '农业技术员', subsidyTier: 2, levels: ALL, specialAbility: false },
  { key: 'ecommerce', code: '4-01-02-02', name: '电子商务师', subsidyTier: 2, levels: ALL, specialAbility: false },
  { key: 'bricklayer', code: '6-29-01-01', name: '砌筑工', subsidyTier: 2, levels: ALL, specialAbility: false },
  { key: 'carMechanic', code: '4-12-01-01', name: '汽车维修工', subsidyTier: 3, levels: ALL, specialAbility: false },
  // 专项职业能力 items (see the note above): assessed, certified, no levels.
  { key: 'pedicure', code: '4-10-04-02-91', name: '修脚', subsidyTier: 3, levels: [], specialAbility: true },
  {
    key: 'xiangfenShaobing',
    code: '4-03-02-02-91',
    name: '襄汾烧饼制作',
    subsidyTier: 3,
    levels: [],
    specialAbility: true,
  },
  {
    key: 'zaozhuangChicken',
    code: '4-03-02-01-91',
    name: '枣庄辣子鸡制作',
    subsidyTier: 3,
    levels: [],
    specialAbility: true,
  },
  {
    key: 'camelliaPlanting',
    code: '5-05-01-00-91',
    name: '油茶种植',
    subsidyTier: 3,
    levels: [],
    specialAbility: true,
  },
] as const satisfies readonly OccupationSeed[];

export type OccupationKey = (typeof OCCUPATIONS)[number]['key'];

export function occupation(key: OccupationKey): OccupationSeed {
  const found = OCCUPATIONS.find((o) => o.key === key);
  if (!found) throw new Error(`seed: unknown occupation ${key}`);
  return found;
}
