import { ageOn, makeResidentId, PRIORITY_GROUPS, type PriorityGroup, parseResidentId } from '@vtc/domain';
import { addDays, DEMO_TODAY } from './dates.ts';
import { type Rng, rng } from './prng.ts';
import { countiesOf } from './regions.ts';

/**
 * Synthetic trainees: common Chinese names from a deterministic generator (surname × era- and
 * sex-appropriate given names), valid resident ID numbers for the seeded counties, mobile numbers,
 * household type and priority groups that fit age and household.
 */
export type { PriorityGroup };

const PRIORITY_ORDER: readonly PriorityGroup[] = PRIORITY_GROUPS;

export interface PersonSeed {
  index: number;
  cohort: CohortKey;
  name: string;
  idNumber: string;
  /** 'YYYY-MM-DD' */
  birthDate: string;
  sex: 'MALE' | 'FEMALE';
  originRegionCode: string;
  phone: string;
  householdType: 'URBAN' | 'RURAL';
  priorityGroups: PriorityGroup[];
}

// Surnames with rough weights (per mille of the population, 2020 census order).
// biome-ignore format: compact data table
const SURNAMES: ReadonlyArray<readonly [string, number]> = [
  ['王', 71], ['李', 70], ['张', 67], ['刘', 54], ['陈', 46], ['杨', 31], ['黄', 23], ['赵', 23], ['吴', 20],
  ['周', 19], ['徐', 15], ['孙', 15], ['马', 14], ['朱', 13], ['胡', 13], ['郭', 12], ['何', 12], ['林', 11],
  ['高', 11], ['罗', 10], ['郑', 10], ['梁', 9], ['谢', 8], ['宋', 8], ['唐', 8], ['许', 7], ['韩', 7], ['冯', 7],
  ['邓', 7], ['曹', 7], ['彭', 6], ['曾', 6], ['肖', 6], ['田', 6], ['董', 6], ['袁', 5], ['潘', 5], ['于', 5],
  ['蒋', 5], ['蔡', 5], ['余', 5], ['杜', 5], ['叶', 4], ['程', 4], ['苏', 4], ['魏', 4], ['吕', 4], ['丁', 4],
  ['任', 4], ['沈', 4], ['姚', 4], ['卢', 4], ['姜', 3], ['崔', 3], ['钟', 3], ['谭', 3], ['陆', 3], ['汪', 3],
  ['范', 3], ['金', 3], ['石', 3], ['廖', 3], ['贾', 3], ['夏', 3], ['付', 2], ['方', 2], ['白', 2], ['邹', 2],
  ['孟', 2], ['熊', 2], ['秦', 2], ['邱', 2], ['江', 2], ['尹', 2], ['薛', 2], ['闫', 2], ['段', 2], ['雷', 2],
  ['侯', 2], ['龙', 2], ['史', 2], ['陶', 2], ['贺', 2], ['毛', 2], ['郝', 2], ['武', 2], ['乔', 1], ['柴', 1],
  ['常', 1], ['申', 1], ['卫', 1], ['师', 1], ['温', 1], ['樊', 1], ['康', 1], ['霍', 1], ['靳', 1], ['燕', 1],
];
const SURNAME_LIST = SURNAMES.map(([s]) => s);
const SURNAME_WEIGHTS = SURNAMES.map(([, w]) => w);

type Era = 'older' | 'middle' | 'younger';

// biome-ignore format: compact data table
const GIVEN: Readonly<Record<'MALE' | 'FEMALE', Readonly<Record<Era, readonly string[]>>>> = {
  MALE: {
    older: [
      '建国', '建军', '建华', '国强', '志强', '志刚', '卫东', '海涛', '振华', '文斌', '保平', '利民', '永胜', '红军',
      '军', '勇', '伟', '刚', '斌', '强', '平', '明', '辉', '峰', '新民', '金龙', '俊峰', '德胜', '长青', '跃进',
    ],
    middle: [
      '磊', '鹏', '超', '浩', '杰', '涛', '帅', '龙', '飞', '亮', '俊杰', '晓东', '建伟', '文龙', '晨阳', '宇航', '子健',
      '鑫', '凯', '旭', '博', '亚军', '志远', '海龙', '伟强', '永康', '晓龙', '鹏飞', '家乐', '少华',
    ],
    younger: [
      '浩然', '宇轩', '子豪', '俊熙', '博文', '嘉豪', '一鸣', '天佑', '明轩', '思远', '宇', '昊', '轩', '睿', '晨',
      '子墨', '浩宇', '梓豪', '皓轩', '俊宇', '泽宇', '子轩', '铭', '煜', '奕辰', '佳乐', '家豪', '锦程', '志豪', '泽',
    ],
  },
  FEMALE: {
    older: [
      '秀英', '桂英', '秀兰', '玉兰', '红梅', '丽华', '淑珍', '春梅', '美玲', '桂芳', '凤英', '丽', '芳', '霞', '燕',
      '红', '英', '萍', '玲', '秀珍', '爱琴', '彩霞', '玉梅', '翠英', '建平', '金花', '素芳', '冬梅', '晓红', '丽萍',
    ],
    middle: [
      '丽娟', '晓燕', '婷婷', '静', '敏', '娜', '丹', '倩', '雪', '慧', '晶晶', '艳', '佳', '璐', '琳', '文静', '雅琴',
      '亚楠', '媛媛', '春燕', '晓丽', '莉', '欢', '蕾', '瑶', '丹丹', '海燕', '雪梅', '小娟', '艳红',
    ],
    younger: [
      '欣怡', '雨涵', '梓涵', '诗涵', '思琪', '子涵', '佳怡', '可馨', '一诺', '雨欣', '梦瑶', '心怡', '佳琪', '欣妍',
      '紫涵', '雨萱', '思雨', '晨曦', '梓萱', '语桐', '嘉怡', '若彤', '雅婷', '悦', '琪', '萱', '妍', '楠', '怡', '彤',
    ],
  },
};

/** Mongolian given names (no Han surname), used for some Bayannur residents. */
// biome-ignore format: compact data table
const MONGOLIAN: Readonly<Record<'MALE' | 'FEMALE', readonly string[]>> = {
  MALE: ['巴特尔', '额尔敦', '苏和', '朝鲁', '孟和', '巴图', '宝音', '哈斯', '那日苏', '特木尔'],
  FEMALE: ['乌云', '其其格', '萨仁', '苏日娜', '娜仁', '高娃', '图雅', '塔娜', '斯琴', '托娅'],
};

// biome-ignore format: compact data table
const MOBILE_PREFIXES = [
  '130', '131', '132', '133', '134', '135', '136', '137', '138', '139', '150', '151', '152', '153', '155', '156',
  '157', '158', '159', '166', '177', '180', '181', '182', '183', '185', '186', '187', '188', '189', '191', '198', '199',
];

export type CohortKey =
  | 'LF_COLLEGE'
  | 'LF_INDUSTRY'
  | 'LF_SERVICE'
  | 'LF_GENERAL'
  | 'BYN_COLLEGE'
  | 'BYN_GENERAL'
  | 'AK_GENERAL'
  | 'ZZ_GENERAL'
  | 'HY_GENERAL';

interface Cohort {
  key: CohortKey;
  size: number;
  /** County codes and weights where members are registered. */
  counties: ReadonlyArray<readonly [string, number]>;
  minAge: number;
  maxAge: number;
  femaleShare: number;
  ruralShare: number;
  student?: boolean;
  mongolianShare?: number;
}

function weightedCounties(city: string, heavy: Readonly<Record<string, number>>): Array<[string, number]> {
  return countiesOf(city).map((c) => [c, heavy[c] ?? 1]);
}

const LINFEN = weightedCounties('141000', { '141002': 6, '141023': 3, '141024': 3, '141081': 2, '141082': 2 });
const BAYANNUR = weightedCounties('150800', { '150802': 5, '150821': 2, '150826': 2 });
const ANKANG = weightedCounties('610900', { '610902': 3, '610924': 4, '610981': 2 });
const ZAOZHUANG = weightedCounties('370400', { '370403': 3, '370481': 2 });
const HEYUAN = weightedCounties('441600', { '441602': 2, '441621': 2 });

/** Cohorts are sized for the classes in training.ts (a person is never in two overlapping classes). */
// biome-ignore format: compact data table
export const COHORTS: readonly Cohort[] = [
  { key: 'LF_COLLEGE', size: 70, counties: LINFEN, minAge: 19, maxAge: 22, femaleShare: 0.3, ruralShare: 0.6, student: true },
  { key: 'LF_INDUSTRY', size: 52, counties: LINFEN, minAge: 20, maxAge: 50, femaleShare: 0.08, ruralShare: 0.7 },
  { key: 'LF_SERVICE', size: 72, counties: LINFEN, minAge: 24, maxAge: 55, femaleShare: 0.9, ruralShare: 0.65 },
  { key: 'LF_GENERAL', size: 20, counties: LINFEN, minAge: 19, maxAge: 45, femaleShare: 0.5, ruralShare: 0.5 },
  { key: 'BYN_COLLEGE', size: 20, counties: BAYANNUR, minAge: 18, maxAge: 22, femaleShare: 0.35, ruralShare: 0.7, student: true, mongolianShare: 0.1 },
  { key: 'BYN_GENERAL', size: 35, counties: BAYANNUR, minAge: 19, maxAge: 52, femaleShare: 0.45, ruralShare: 0.7, mongolianShare: 0.1 },
  { key: 'AK_GENERAL', size: 22, counties: ANKANG, minAge: 20, maxAge: 52, femaleShare: 0.45, ruralShare: 0.75 },
  { key: 'ZZ_GENERAL', size: 10, counties: ZAOZHUANG, minAge: 20, maxAge: 50, femaleShare: 0.4, ruralShare: 0.6 },
  { key: 'HY_GENERAL', size: 8, counties: HEYUAN, minAge: 22, maxAge: 55, femaleShare: 0.4, ruralShare: 0.85 },
];

function eraOf(birthDate: string): Era {
  const year = Number(birthDate.slice(0, 4));
  if (year <= 1985) return 'older';
  if (year <= 1997) return 'middle';
  return 'younger';
}

function nameFor(r: Rng, sex: 'MALE' | 'FEMALE', birthDate: string, mongolianShare: number): string {
  if (mongolianShare > 0 && r.chance(mongolianShare)) return r.pick(MONGOLIAN[sex]);
  return r.weighted(SURNAME_LIST, SURNAME_WEIGHTS) + r.pick(GIVEN[sex][eraOf(birthDate)]);
}

/** A birth date such that the age on DEMO_TODAY is in [minAge, maxAge]. */
function birthDateFor(r: Rng, minAge: number, maxAge: number): string {
  const latest = `${Number(DEMO_TODAY.slice(0, 4)) - minAge}${DEMO_TODAY.slice(4)}`;
  const earliest = addDays(`${Number(DEMO_TODAY.slice(0, 4)) - maxAge - 1}${DEMO_TODAY.slice(4)}`, 1);
  const span = Math.round((Date.parse(latest) - Date.parse(earliest)) / 86_400_000);
  return addDays(earliest, r.int(0, span));
}

function priorityGroupsFor(r: Rng, p: Omit<PersonSeed, 'priorityGroups'>, cohort: Cohort): PriorityGroup[] {
  const age = ageOn(p.birthDate, DEMO_TODAY);
  const groups = new Set<PriorityGroup>();
  const rural = p.householdType === 'RURAL';
  if (cohort.student) {
    if (r.chance(0.5)) groups.add('COLLEGE_GRADUATE');
    if (rural && r.chance(0.12)) groups.add('POVERTY_RELIEF_LABOUR');
    return PRIORITY_ORDER.filter((g) => groups.has(g));
  }
  if (rural && age >= 20 && r.chance(0.7)) groups.add('RURAL_MIGRANT_WORKER');
  if (rural && r.chance(0.15)) groups.add('POVERTY_RELIEF_LABOUR');
  if (rural && age <= 20 && r.chance(0.6)) groups.add('TWO_AFTER_YOUTH');
  if (!rural && age >= 21 && age <= 27 && r.chance(0.4)) groups.add('COLLEGE_GRADUATE');
  if (r.chance(0.08)) groups.add('UNEMPLOYED');
  const older = p.sex === 'FEMALE' ? age >= 40 : age >= 50;
  if (!rural && older && r.chance(0.4)) groups.add('EMPLOYMENT_DIFFICULTY');
  if (p.sex === 'MALE' && age >= 24 && age <= 45 && r.chance(0.06)) groups.add('VETERAN');
  if (r.chance(0.02)) {
    groups.add('DISABLED');
    groups.add('EMPLOYMENT_DIFFICULTY');
  }
  if (r.chance(0.1)) groups.add('FLEXIBLE_WORKER');
  return PRIORITY_ORDER.filter((g) => groups.has(g));
}

/** All synthetic persons, cohort by cohort, in a fixed order (index 0…n-1). */
export function generatePeople(): PersonSeed[] {
  const people: PersonSeed[] = [];
  const ids = new Set<string>();
  const phones = new Set<string>();
  for (const cohort of COHORTS) {
    const r = rng(`people:${cohort.key}`);
    const counties = cohort.counties.map(([c]) => c);
    const weights = cohort.counties.map(([, w]) => w);
    for (let i = 0; i < cohort.size; i++) {
      const sex = r.chance(cohort.femaleShare) ? 'FEMALE' : 'MALE';
      const birthDate = birthDateFor(r, cohort.minAge, cohort.maxAge);
      const originRegionCode = r.weighted(counties, weights);
      let idNumber: string;
      do {
        // Sequence code: odd for men, even for women (GB 11643).
        const sequence = r.int(0, 499) * 2 + (sex === 'MALE' ? 1 : 0);
        idNumber = makeResidentId({ regionCode: originRegionCode, birthDate, sequence });
      } while (ids.has(idNumber));
      ids.add(idNumber);
      let phone: string;
      do {
        phone = r.pick(MOBILE_PREFIXES) + String(r.int(0, 99_999_999)).padStart(8, '0');
      } while (phones.has(phone));
      phones.add(phone);
      const base = {
        index: people.length,
        cohort: cohort.key,
        name: nameFor(r, sex, birthDate, cohort.mongolianShare ?? 0),
        idNumber,
        birthDate,
        sex,
        originRegionCode,
        phone,
        householdType: r.chance(cohort.ruralShare) ? 'RURAL' : 'URBAN',
      } as const;
      people.push({ ...base, priorityGroups: priorityGroupsFor(r, base, cohort) });
    }
  }
  for (const p of people) {
    const parsed = parseResidentId(p.idNumber, new Date(`${DEMO_TODAY}T12:00:00+08:00`));
    if (!parsed.ok || parsed.value.sex !== p.sex || parsed.value.birthDate !== p.birthDate) {
      throw new Error(`seed: generated an inconsistent resident ID for person ${p.index}`);
    }
  }
  return people;
}
