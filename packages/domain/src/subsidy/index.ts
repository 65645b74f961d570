/**
 * The subsidy engine (issue 5): money in fen, date rules, versioned policy rules as data, policy
 * selection, cross-scheme limits and the claim calculator. Pure: no I/O, no clock.
 */
export * from './apprenticeship-year';
export * from './calculator';
export * from './claim';
export * from './dates';
export {
  checkEligibility,
  type EligibilityResult,
  type EmploymentCheck,
  type EmploymentMatch,
  findQualifyingEmployment,
  matchQualifyingEmployment,
  type QualifyingMatchResult,
  type QualifyingNeed,
  type QualifyingReason,
} from './eligibility';
export * from './facts';
export * from './keys';
export {
  checkDuplicate,
  checkExclusions,
  checkHigherLevel,
  checkSameOccupationAndLevel,
  checkYearlyLimit,
  isLive,
  type LimitSubject,
  type YearlyLimitResult,
} from './limits';
export * from './money';
export * from './policy';
export * from './rules';
export * from './claim-workflow';
export * from './public-notice';
