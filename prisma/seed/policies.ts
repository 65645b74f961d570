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

/** Eligibility and limits shared by the training kinds (national practice, DOMAIN.md). */
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
