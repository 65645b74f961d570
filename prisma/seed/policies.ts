/**
 * Subsidy policies and targets as versioned data (amounts in fen). Figures the policy texts state
 * are taken from them; where a text leaves the detail to implementation (the tier table, the
 * class-hour base rate) the value is a sensible demo assumption and `rules.assumptions` says so.
 */
import type { PolicyKind } from '@vtc/domain';

export interface SubsidyPolicySeed {
  key: string;
  code: string;
  version: number;
  name: string;
  regionCode: string;
  kind: PolicyKind;
  effectiveFrom: string;
  effectiveTo: string | null;
  /** The engine's rules shape for `kind` (domain subsidy validatePolicyRules); every field present. */
  rules: Record<string, unknown>;
  sourceDocument: string;
}

const LINFEN_DOC = '003_7403a54199469e37.txt 临办字〔2022〕34号《临汾市进一步推进稳就业保就业工作若干措施》';
const BAYANNUR_DOC = '002_8f54833244d202dc.txt《巴彦淖尔市就业促进行动实施方案》解读';

/** Statutory working age used for eligibility: men 16–60, women 16–55. */
const WORKING_AGE = { MALE: { min: 16, max: 60 }, FEMALE: { min: 16, max: 55 } };

/** Eligibility and limits shared by the training kinds (national practice, docs/domain/subsidies.md). */
const TRAINING_COMMON = {
  minAttendanceRateBp: 8_000,
  requiresPassedAssessment: true,
  priorityGroups: null,
  workingAge: WORKING_AGE,
  claimWithinMonths: 12,
  maxSubsidiesPerYear: 3,
  higherLevelBarsLower: true,
  exclusions: [],
};

/** Certificate-based kinds: no attendance or age check at certificate time. */
const CERTIFICATE_COMMON = {
  minAttendanceRateBp: null,
  requiresPassedAssessment: false,
  priorityGroups: null,
  workingAge: null,
  claimWithinMonths: 12,
  maxSubsidiesPerYear: 3,
  higherLevelBarsLower: true,
  exclusions: [],
};

export const SUBSIDY_POLICIES: readonly SubsidyPolicySeed[] = [
  {
    key: 'linfenTraining',
    code: 'LF-TRAINING',
    version: 1,
    name: '临汾市补贴性职业技能培训阶梯式补贴',
    regionCode: '141000',
    kind: 'TRAINING',
    effectiveFrom: '2022-07-01',
    effectiveTo: null,
    rules: {
      payee: 'TRAINING_INSTITUTION',
      ...TRAINING_COMMON,
      sameOccupationAndLevelOnce: true,
      // Occupation subsidy tier (Occupation.subsidyTier) × level reached, fen per person.
      amountFenByTierAndLevel: {
        '1': { LEVEL_5: 180_000, LEVEL_4: 240_000, LEVEL_3: 300_000, LEVEL_2: 360_000, LEVEL_1: 400_000 },
        '2': { LEVEL_5: 140_000, LEVEL_4: 190_000, LEVEL_3: 250_000, LEVEL_2: 300_000, LEVEL_1: 340_000 },
        '3': { LEVEL_5: 100_000, LEVEL_4: 150_000, LEVEL_3: 200_000, LEVEL_2: 250_000, LEVEL_1: 280_000 },
      },
      maxPerPersonFen: 400_000,
      assumptions: '003 第6条只规定“按职业工种等实施阶梯式补贴,最高补贴至每人4000元”;分档金额为演示假设。',
    },
    sourceDocument: `${LINFEN_DOC} 第6条`,
  },
  {
    key: 'linfenEnterpriseTraining',
    code: 'LF-ENTERPRISE-TRAINING',
    version: 1,
    name: '临汾市企业职工岗前、安全技能、转岗转业培训补贴',
    regionCode: '141000',
    kind: 'ENTERPRISE_TRAINING',
    effectiveFrom: '2022-07-01',
    effectiveTo: null,
    rules: {
      payee: 'ENTERPRISE',
      ...TRAINING_COMMON,
      requiresPassedAssessment: false,
      amountPerPersonFen: 30_000,
      trainingKinds: ['PRE_JOB', 'SAFETY_SKILLS', 'JOB_TRANSFER'],
    },
    sourceDocument: `${LINFEN_DOC} 第6条`,
  },
  {
    key: 'linfenCertificate',
    code: 'LF-CERTIFICATE',
    version: 1,
    name: '临汾市职业院校毕业年度学生技能等级证书取证补贴',
    regionCode: '141000',
    kind: 'CERTIFICATE',
    effectiveFrom: '2022-07-01',
    effectiveTo: null,
    rules: {
      payee: 'VOCATIONAL_COLLEGE',
      ...CERTIFICATE_COMMON,
      sameOccupationAndLevelOnce: true,
      amountFenByLevel: { LEVEL_4: 60_000, LEVEL_3: 80_000 },
      graduatingStudentsOnly: true,
    },
    sourceDocument: `${LINFEN_DOC} 第9条`,
  },
  {
    key: 'bayannurClassHour',
    code: 'BYN-CLASS-HOUR',
    version: 1,
    name: '巴彦淖尔市职业技能培训课时基准补贴(培训后就业上浮50%)',
    regionCode: '150800',
    kind: 'CLASS_HOUR',
    effectiveFrom: '2024-01-01',
    effectiveTo: null,
    rules: {
      payee: 'TRAINING_INSTITUTION',
      ...TRAINING_COMMON,
      // Fen per attended class hour, by Occupation.subsidyTier.
      rateFenPerClassHourByTier: { '1': 1_500, '2': 1_200, '3': 1_000 },
      minutesPerClassHour: 60,
      maxClassHoursPerPerson: 200,
      maxPerPersonFen: 300_000,
      // Within 6 months after completion, a contract of 1 year or more plus social insurance: +50%, paid as a supplementary line.
      employmentUplift: { upliftBp: 5_000, withinMonths: 6, minContractMonths: 12, requiresSocialInsurance: true },
      assumptions: '002 第二部分(三)提到“课时基准补贴标准”但未给出金额;每课时金额为演示假设。',
    },
    sourceDocument: `${BAYANNUR_DOC} 第二部分(三)`,
  },
  {
    key: 'zaozhuangSelfEvaluation',
    code: 'ZZ-SELF-EVALUATION',
    version: 1,
    name: '枣庄市企业自主培训评价补贴(取证后直补企业)',
    regionCode: '370400',
    kind: 'ENTERPRISE_SELF_EVALUATION',
    effectiveFrom: '2021-07-01',
    effectiveTo: null,
    rules: {
      payee: 'ENTERPRISE',
      ...CERTIFICATE_COMMON,
      sameOccupationAndLevelOnce: true,
      amountFenByLevel: { LEVEL_5: 100_000, LEVEL_4: 150_000, LEVEL_3: 200_000 },
      assumptions: '001 第7条规定企业自主培训评价的“取证后将培训补贴直补企业”,未给出金额;按等级金额为演示假设(参照失业保险技能提升补贴1000/1500/2000元)。',
    },
    sourceDocument: '001_565f331b5e3c6533.txt 枣庄市职业技能提升行动 第7条',
  },
  {
    key: 'linfenSkillUpgrade',
    code: 'LF-SKILL-UPGRADE',
    version: 1,
    name: '临汾市失业保险技能提升补贴(参保职工本人申领)',
    regionCode: '141000',
    kind: 'SKILL_UPGRADE',
    effectiveFrom: '2022-07-01',
    effectiveTo: null,
    rules: {
      payee: 'PERSON',
      ...CERTIFICATE_COMMON,
      sameOccupationAndLevelOnce: true,
      // National practice (docs/domain/subsidies.md): 1,000 / 1,500 / 2,000 yuan for LEVEL_5 / LEVEL_4 / LEVEL_3.
      amountFenByLevel: { LEVEL_5: 100_000, LEVEL_4: 150_000, LEVEL_3: 200_000 },
      minInsuredMonths: 12,
      assumptions: '金额按全国通行做法(初级1000元、中级1500元、高级2000元);参保满12个月为演示假设。',
    },
    sourceDocument: '人社部 失业保险支持参保职工提升职业技能(全国通行做法)',
  },
  {
    key: 'ankangApprenticeship',
    code: 'AK-APPRENTICESHIP',
    version: 1,
    name: '安康市企业新型学徒制培训补贴',
    regionCode: '610900',
    kind: 'APPRENTICESHIP',
    effectiveFrom: '2022-01-01',
    effectiveTo: null,
    rules: {
      payee: 'ENTERPRISE',
      minAttendanceRateBp: null,
      requiresPassedAssessment: false,
      priorityGroups: null,
      workingAge: WORKING_AGE,
      claimWithinMonths: 12,
      maxSubsidiesPerYear: 3,
      higherLevelBarsLower: false,
      exclusions: [],
      // Per apprentice per year (Fujian practice, docs/domain/subsidies.md): 5,000 intermediate, 6,000 advanced; up to 50% pre-paid.
      amountFenPerYearByLevel: { LEVEL_4: 500_000, LEVEL_3: 600_000 },
      prepaymentShareBp: 5_000,
      maxYears: 2,
      assumptions: '000 提出推行企业新型学徒制但未给金额;每人每年中级5000元、高级6000元与预付50%取自福建做法。',
    },
    sourceDocument: '000_eddd4806f0564e61.txt 安康市 企业新型学徒制',
  },
  {
    key: 'ankangOutcome',
    code: 'AK-OUTCOME',
    version: 1,
    name: '安康市培训就业成效补贴(按班级就业率分档)',
    regionCode: '610900',
    kind: 'OUTCOME',
    effectiveFrom: '2022-01-01',
    effectiveTo: null,
    rules: {
      payee: 'TRAINING_INSTITUTION',
      ...TRAINING_COMMON,
      basePerPersonFen: 50_000,
      // Shaanxi tiers (docs/domain/subsidies.md): <50% → 0, 50% → 60%, 65% → 80%, 80% → 100%.
      tiers: [
        { minRateBp: 0, shareBp: 0 },
        { minRateBp: 5_000, shareBp: 6_000 },
        { minRateBp: 6_500, shareBp: 8_000 },
        { minRateBp: 8_000, shareBp: 10_000 },
      ],
      employment: { withinMonths: 6, minContractMonths: 0, requiresSocialInsurance: false },
      assumptions: '分档比例取自陕西做法;每人基数500元与结业后6个月内就业的统计口径为演示假设。',
    },
    sourceDocument: '000_eddd4806f0564e61.txt 安康市(陕西省)培训就业成效评价',
  },
];

export interface TargetSeed {
  regionCode: string;
  year: number;
  metric: string;
  value: number;
  unit: 'person' | 'certificate' | 'bp';
  source: string;
}

/** Metric names used by the targets dashboard. */
export const TARGET_METRICS = {
  SUBSIDISED_TRAINEES: 'SUBSIDISED_TRAINEES',
  ENTREPRENEURSHIP_TRAINEES: 'ENTREPRENEURSHIP_TRAINEES',
  NEW_SKILLED_WORKERS: 'NEW_SKILLED_WORKERS',
  NEW_HIGH_SKILLED_WORKERS: 'NEW_HIGH_SKILLED_WORKERS',
  TECHNICIAN_CERTIFICATES: 'TECHNICIAN_CERTIFICATES',
  SKILLED_SHARE_OF_EMPLOYED: 'SKILLED_SHARE_OF_EMPLOYED',
  HIGH_SKILLED_SHARE_OF_SKILLED: 'HIGH_SKILLED_SHARE_OF_SKILLED',
  TRAINEES: 'TRAINEES',
  ORDER_BASED_COLLEGE_TRAINEES: 'ORDER_BASED_COLLEGE_TRAINEES',
} as const;

const M = TARGET_METRICS;

export const TARGETS: readonly TargetSeed[] = [
  // Linfen 2022 (003 items 6, 8, 9).
  {
    regionCode: '141000',
    year: 2022,
    metric: M.SUBSIDISED_TRAINEES,
    value: 35_000,
    unit: 'person',
    source: '003 第6条',
  },
  {
    regionCode: '141000',
    year: 2022,
    metric: M.ENTREPRENEURSHIP_TRAINEES,
    value: 3_010,
    unit: 'person',
    source: '003 第8条',
  },
  {
    regionCode: '141000',
    year: 2022,
    metric: M.NEW_SKILLED_WORKERS,
    value: 26_000,
    unit: 'person',
    source: '003 第9条',
  },
  {
    regionCode: '141000',
    year: 2022,
    metric: M.NEW_HIGH_SKILLED_WORKERS,
    value: 3_000,
    unit: 'person',
    source: '003 第9条',
  },
  {
    regionCode: '141000',
    year: 2022,
    metric: M.TECHNICIAN_CERTIFICATES,
    value: 500,
    unit: 'certificate',
    source: '003 第9条 (技师、高级技师)',
  },
  {
    regionCode: '141000',
    year: 2022,
    metric: M.SKILLED_SHARE_OF_EMPLOYED,
    value: 3_100,
    unit: 'bp',
    source: '003 第9条',
  },
  {
    regionCode: '141000',
    year: 2022,
    metric: M.HIGH_SKILLED_SHARE_OF_SKILLED,
    value: 3_000,
    unit: 'bp',
    source: '003 第9条',
  },
  // Bayannur, yearly figures of the action plan (002 parts 一 and 二(三)), for the plan's last year and the demo year.
  ...[2025, 2026].flatMap((year): TargetSeed[] => [
    { regionCode: '150800', year, metric: M.TRAINEES, value: 15_000, unit: 'person', source: '002 第二部分(三)' },
    {
      regionCode: '150800',
      year,
      metric: M.ORDER_BASED_COLLEGE_TRAINEES,
      value: 300,
      unit: 'person',
      source: '002 第二部分(三)',
    },
    { regionCode: '150800', year, metric: M.NEW_SKILLED_WORKERS, value: 3_000, unit: 'person', source: '002 第一部分' },
  ]),
];
