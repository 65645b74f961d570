import type { PolicyRecord } from './policy';

/**
 * Example policies in the canonical rules schema, with the figures of docs/domain.md (sources in each
 * `assumptions` / comment). Used by the tests; also the shape prisma/seed/policies.ts should store.
 * Not exported from the package index.
 */

/** Statutory working age used for eligibility: men 16–60, women 16–55. */
export const WORKING_AGE = { MALE: { min: 16, max: 60 }, FEMALE: { min: 16, max: 55 } };

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

/** 临汾 003 item 6: tiered by occupation and level, up to 4,000 yuan a person. The tier table is a demo assumption. */
export const LINFEN_TRAINING: PolicyRecord = {
  code: 'LF-TRAINING',
  version: 1,
  regionCode: '141000',
  kind: 'TRAINING',
  status: 'PUBLISHED',
  effectiveFrom: '2022-07-01',
  effectiveTo: null,
  rules: {
    payee: 'TRAINING_INSTITUTION',
    ...TRAINING_COMMON,
    sameOccupationAndLevelOnce: true,
    amountFenByTierAndLevel: {
      '1': { LEVEL_5: 180_000, LEVEL_4: 240_000, LEVEL_3: 300_000, LEVEL_2: 360_000, LEVEL_1: 400_000 },
      '2': { LEVEL_5: 140_000, LEVEL_4: 190_000, LEVEL_3: 250_000, LEVEL_2: 300_000, LEVEL_1: 340_000 },
      '3': { LEVEL_5: 100_000, LEVEL_4: 150_000, LEVEL_3: 200_000, LEVEL_2: 250_000, LEVEL_1: 280_000 },
    },
    maxPerPersonFen: 400_000,
    assumptions: '003 第6条只规定“按职业工种等实施阶梯式补贴,最高补贴至每人4000元”;分档金额为演示假设。',
  },
};

/** 临汾 003 item 6: enterprise staff training, 300 yuan per person to the enterprise. */
export const LINFEN_ENTERPRISE_TRAINING: PolicyRecord = {
  code: 'LF-ENTERPRISE-TRAINING',
  version: 1,
  regionCode: '141000',
  kind: 'ENTERPRISE_TRAINING',
  status: 'PUBLISHED',
  effectiveFrom: '2022-07-01',
  effectiveTo: null,
  rules: {
    payee: 'ENTERPRISE',
    ...TRAINING_COMMON,
    requiresPassedAssessment: false,
    amountPerPersonFen: 30_000,
    trainingKinds: ['PRE_JOB', 'SAFETY_SKILLS', 'JOB_TRANSFER'],
  },
};

/** 临汾 003 item 9: graduating-year students of vocational colleges, 600 yuan LEVEL_4, 800 yuan LEVEL_3. */
export const LINFEN_CERTIFICATE: PolicyRecord = {
  code: 'LF-CERTIFICATE',
  version: 1,
  regionCode: '141000',
  kind: 'CERTIFICATE',
  status: 'PUBLISHED',
  effectiveFrom: '2022-07-01',
  effectiveTo: null,
  rules: {
    payee: 'VOCATIONAL_COLLEGE',
    ...CERTIFICATE_COMMON,
    sameOccupationAndLevelOnce: true,
    amountFenByLevel: { LEVEL_4: 60_000, LEVEL_3: 80_000 },
    graduatingStudentsOnly: true,
  },
};

/** 巴彦淖尔 002 part (三): class-hour base, +50% when employed within 6 months (contract ≥ 1 year + social insurance). Rates are a demo assumption. */
export const BAYANNUR_CLASS_HOUR: PolicyRecord = {
  code: 'BYN-CLASS-HOUR',
  version: 1,
  regionCode: '150800',
  kind: 'CLASS_HOUR',
  status: 'PUBLISHED',
  effectiveFrom: '2024-01-01',
  effectiveTo: null,
  rules: {
    payee: 'TRAINING_INSTITUTION',
    ...TRAINING_COMMON,
    rateFenPerClassHourByTier: { '1': 1_500, '2': 1_200, '3': 1_000 },
    minutesPerClassHour: 60,
    maxClassHoursPerPerson: 200,
    maxPerPersonFen: 300_000,
    employmentUplift: { upliftBp: 5_000, withinMonths: 6, minContractMonths: 12, requiresSocialInsurance: true },
    assumptions: '002 第二部分(三)提到“课时基准补贴标准”但未给出金额;每课时金额为演示假设。',
  },
};

/** 枣庄 001 item 7: paid directly to enterprises that train and self-evaluate, once certificates are issued. Amounts are a demo assumption. */
export const ZAOZHUANG_SELF_EVALUATION: PolicyRecord = {
  code: 'ZZ-SELF-EVALUATION',
  version: 1,
  regionCode: '370400',
  kind: 'ENTERPRISE_SELF_EVALUATION',
  status: 'PUBLISHED',
  effectiveFrom: '2021-06-01',
  effectiveTo: null,
  rules: {
    payee: 'ENTERPRISE',
    ...CERTIFICATE_COMMON,
    sameOccupationAndLevelOnce: true,
    amountFenByLevel: { LEVEL_5: 100_000, LEVEL_4: 150_000, LEVEL_3: 200_000 },
    assumptions: '001 第7条未规定金额;按等级的金额为演示假设。',
  },
};

/** Unemployment-insurance skill-upgrade subsidy: 1,000 / 1,500 / 2,000 yuan for LEVEL_5 / 4 / 3 (national practice); Shanxi. */
export const SHANXI_SKILL_UPGRADE: PolicyRecord = {
  code: 'SX-SKILL-UPGRADE',
  version: 1,
  regionCode: '140000',
  kind: 'SKILL_UPGRADE',
  status: 'PUBLISHED',
  effectiveFrom: '2022-01-01',
  effectiveTo: null,
  rules: {
    payee: 'PERSON',
    ...CERTIFICATE_COMMON,
    sameOccupationAndLevelOnce: true,
    amountFenByLevel: { LEVEL_5: 100_000, LEVEL_4: 150_000, LEVEL_3: 200_000 },
    minInsuredMonths: 12,
    exclusions: [{ scheme: 'TRAINING', scope: 'SAME_OCCUPATION_AND_LEVEL' }],
  },
};

/** Apprenticeship per apprentice per year: 5,000 LEVEL_4 / 6,000 LEVEL_3 (Fujian), up to 50% pre-paid. */
export const FUJIAN_APPRENTICESHIP: PolicyRecord = {
  code: 'FJ-APPRENTICESHIP',
  version: 1,
  regionCode: '350000',
  kind: 'APPRENTICESHIP',
  status: 'PUBLISHED',
  effectiveFrom: '2021-01-01',
  effectiveTo: null,
  rules: {
    payee: 'ENTERPRISE',
    ...TRAINING_COMMON,
    minAttendanceRateBp: null,
    requiresPassedAssessment: false,
    amountFenPerYearByLevel: { LEVEL_4: 500_000, LEVEL_3: 600_000 },
    prepaymentShareBp: 5_000,
    maxYears: 2,
  },
};

/** Outcome tiers (Shaanxi): class employment rate <50% → 0, ≥50% → 60%, ≥65% → 80%, ≥80% → 100%. Base is a demo assumption. */
export const SHAANXI_OUTCOME: PolicyRecord = {
  code: 'SN-OUTCOME',
  version: 1,
  regionCode: '610000',
  kind: 'OUTCOME',
  status: 'PUBLISHED',
  effectiveFrom: '2022-01-01',
  effectiveTo: null,
  rules: {
    payee: 'TRAINING_INSTITUTION',
    ...TRAINING_COMMON,
    basePerPersonFen: 150_000,
    tiers: [
      { minRateBp: 0, shareBp: 0 },
      { minRateBp: 5_000, shareBp: 6_000 },
      { minRateBp: 6_500, shareBp: 8_000 },
      { minRateBp: 8_000, shareBp: 10_000 },
    ],
    employment: { withinMonths: 6, minContractMonths: 0, requiresSocialInsurance: true },
    assumptions: '分档比例来自陕西做法;每人基数为演示假设。',
  },
};

export const EXAMPLE_POLICIES: readonly PolicyRecord[] = [
  LINFEN_TRAINING,
  LINFEN_ENTERPRISE_TRAINING,
  LINFEN_CERTIFICATE,
  BAYANNUR_CLASS_HOUR,
  ZAOZHUANG_SELF_EVALUATION,
  SHANXI_SKILL_UPGRADE,
  FUJIAN_APPRENTICESHIP,
  SHAANXI_OUTCOME,
];

/** A copy of a record with some rule fields replaced (for test variants). */
export function withRules(record: PolicyRecord, changes: Record<string, unknown>): PolicyRecord {
  return { ...record, rules: { ...(record.rules as Record<string, unknown>), ...changes } };
}
