import { describe, expect, it } from '@jest/globals';
import { checkEligibility, findQualifyingEmployment, matchQualifyingEmployment } from './eligibility';
import type { ClaimPerson, EmploymentEvidence } from './facts';
import { BAYANNUR_CLASS_HOUR } from './fixtures';
import { validatePolicyRules } from './rules';

const rules = validatePolicyRules('CLASS_HOUR', BAYANNUR_CLASS_HOUR.rules);
const base: ClaimPerson = {
  personId: 'p1',
  sex: 'FEMALE',
  ageAtStart: 30,
  priorityGroupsAtEnrollment: ['UNEMPLOYED'],
  attendanceRateBp: 8_000,
  passedAssessment: true,
};

describe('eligibility fixed at training time', () => {
  it.each<[string, Partial<ClaimPerson>, string | null]>([
    ['80.00% attendance (8000 bp) is enough', {}, null],
    ['79.90% attendance (7990 bp) is not', { attendanceRateBp: 7_990 }, 'ATTENDANCE_BELOW_MINIMUM'],
    ['79.99% (7999 bp) is not either: no rounding up', { attendanceRateBp: 7_999 }, 'ATTENDANCE_BELOW_MINIMUM'],
    ['failed assessment', { passedAssessment: false }, 'ASSESSMENT_NOT_PASSED'],
    ['a woman of 55 at the start', { ageAtStart: 55 }, null],
    ['a woman of 56 at the start', { ageAtStart: 56 }, 'OUTSIDE_WORKING_AGE'],
    ['a man of 56 at the start', { sex: 'MALE', ageAtStart: 56 }, null],
    ['15 at the start', { ageAtStart: 15 }, 'OUTSIDE_WORKING_AGE'],
    ['attendance unknown', { attendanceRateBp: undefined }, 'MISSING_FACT'],
  ])('%s', (_name, change, rule) => {
    const r = checkEligibility(rules, { ...base, ...change });
    expect(r.ok ? null : r.rule).toBe(rule);
  });
  it('explains the refusal with the figures', () => {
    const r = checkEligibility(rules, { ...base, attendanceRateBp: 7_990 });
    expect(r).toMatchObject({ zh: '出勤率79.90%低于政策要求的80.00%', en: 'Attendance 79.90% is below the required 80.00%' });
  });
  it('checks priority groups as recorded at enrollment, when the policy names some', () => {
    const only = { ...rules, priorityGroups: ['RURAL_MIGRANT_WORKER', 'VETERAN'] as const };
    expect(checkEligibility(only, { ...base, priorityGroupsAtEnrollment: ['VETERAN'] }).ok).toBe(true);
    const r = checkEligibility(only, base);
    expect(r).toMatchObject({ ok: false, rule: 'NOT_PRIORITY_GROUP' });
    expect(r.ok ? '' : r.zh).toContain('农民工、退役军人');
  });
});

function contract(signedOn: string, endsOn: string | null, si: string[] = [signedOn.slice(0, 4) + signedOn.slice(5, 7)]): EmploymentEvidence {
  return { employerName: '河套食品公司', signedOn, startsOn: signedOn, endsOn, socialInsuranceMonths: si };
}

describe('employment after completion: within 6 months, contract ≥ 12 months, social insurance', () => {
  const cond = { withinMonths: 6, minContractMonths: 12, requiresSocialInsurance: true };
  it.each<[string, EmploymentEvidence[], boolean]>([
    ['signed exactly 6 months after 31 March (30 September)', [contract('2026-09-30', '2027-09-29')], true],
    ['signed one day later (1 October)', [contract('2026-10-01', '2027-09-30')], false],
    ['signed before completion', [contract('2026-03-30', '2027-03-29')], false],
    ['a contract of exactly 12 months', [contract('2026-05-15', '2027-05-14')], true],
    ['a contract one day short of 12 months', [contract('2026-05-15', '2027-05-13')], false],
    ['an open-ended contract', [contract('2026-05-15', null)], true],
    ['no social insurance', [contract('2026-05-15', '2027-05-14', [])], false],
    ['social insurance only before signing', [contract('2026-05-15', '2027-05-14', ['202604'])], false],
    ['social insurance in the window’s last month', [contract('2026-05-15', '2027-05-14', ['202609'])], true],
    ['social insurance only after the window', [contract('2026-05-15', '2027-05-14', ['202610'])], false],
    ['a short one, then a qualifying one', [contract('2026-04-10', '2026-10-09'), contract('2026-06-01', null)], true],
    ['no evidence', [], false],
  ])('completed 2026-03-31: %s → %s', (_name, evidence, ok) => {
    expect(findQualifyingEmployment('2026-03-31', evidence, cond).ok).toBe(ok);
  });
  it('names each contract and why it fails', () => {
    const r = findQualifyingEmployment('2026-03-31', [contract('2026-05-15', '2027-05-13'), contract('2026-10-01', null)], cond);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.rule).toBe('EMPLOYMENT_NOT_CONFIRMED');
    expect(r.zh).toContain('2026-05-15与河套食品公司签订的合同期限11个月,不足12个月');
    expect(r.zh).toContain('2026-10-01与河套食品公司签订的合同不在结业后6个月内(2026-03-31至2026-09-30)');
    expect(r.en).toContain('covers 11 month(s), less than 12');
  });
  it('takes the earliest qualifying contract, whatever the input order', () => {
    const a = contract('2026-07-01', null);
    const b = contract('2026-05-01', '2027-04-30');
    const one = findQualifyingEmployment('2026-03-31', [a, b], cond);
    const two = findQualifyingEmployment('2026-03-31', [b, a], cond);
    expect(one).toEqual(two);
    expect(one.ok && one.match.evidence.signedOn).toBe('2026-05-01');
  });
  it('rejects a malformed social-insurance month', () => {
    expect(() => findQualifyingEmployment('2026-03-31', [contract('2026-05-15', null, ['2026-05'])], cond)).toThrow(
      expect.objectContaining({ code: 'VALIDATION' }),
    );
  });
});

describe('matchQualifyingEmployment: the same decision as data, worded by findQualifyingEmployment', () => {
  const cond = { withinMonths: 6, minContractMonths: 12, requiresSocialInsurance: true };
  const need = { completedOn: '2026-03-31', windowEnd: '2026-09-30', withinMonths: 6, minContractMonths: 12, requiresSocialInsurance: true };
  const unnamed = (c: EmploymentEvidence): EmploymentEvidence => ({ ...c, employerName: null });
  const failing = [contract('2026-05-15', '2027-05-13'), contract('2026-10-01', null), unnamed(contract('2026-05-20', '2027-05-19', ['202610']))];

  it('gives the need and each contract’s reason (the employer left out when unnamed), no text', () => {
    expect(matchQualifyingEmployment('2026-03-31', failing, cond)).toEqual({
      ok: false,
      windowEnd: '2026-09-30',
      need,
      reasons: [
        { code: 'TOO_SHORT', signedOn: '2026-05-15', employer: '河套食品公司', contractMonths: 11 },
        { code: 'NO_SOCIAL_INSURANCE', signedOn: '2026-05-20' },
        { code: 'NOT_WITHIN', signedOn: '2026-10-01', employer: '河套食品公司' },
      ],
    });
  });

  it('words the refusal from it', () => {
    expect(findQualifyingEmployment('2026-03-31', failing, cond)).toEqual({
      ok: false,
      windowEnd: '2026-09-30',
      rule: 'EMPLOYMENT_NOT_CONFIRMED',
      zh: '没有结业后6个月内(2026-03-31至2026-09-30)签订12个月及以上劳动合同并缴纳社会保险的记录:2026-05-15与河套食品公司签订的合同期限11个月,不足12个月;2026-05-20签订的合同在202605至202609期间没有社会保险缴费;2026-10-01与河套食品公司签订的合同不在结业后6个月内(2026-03-31至2026-09-30)',
      en: 'No record of a labour contract of 12 months or more signed within 6 months after completion (2026-03-31 to 2026-09-30) with social insurance paid: the contract signed 2026-05-15 with 河套食品公司 covers 11 month(s), less than 12; the contract signed 2026-05-20 has no social-insurance contribution from 202605 to 202609; the contract signed 2026-10-01 with 河套食品公司 is not within 6 months after completion (2026-03-31 to 2026-09-30)',
    });
  });

  it('matches with the earliest insurance month of the window, and words the steps from it', () => {
    const open = unnamed(contract('2026-05-20', null, ['202607', '202606', '202604']));
    const match = { evidence: open, contractMonths: null, windowEnd: '2026-09-30', socialInsuranceMonth: '202606' };
    expect(matchQualifyingEmployment('2026-03-31', [open], cond)).toEqual({ ok: true, match, need });
    expect(findQualifyingEmployment('2026-03-31', [open], cond)).toEqual({
      ok: true,
      match,
      steps: [
        {
          zh: '结业2026-03-31后6个月内(至2026-09-30),于2026-05-20签订劳动合同(2026-05-20至无固定期限,无固定期限,不少于12个月)',
          en: 'Within 6 months after completion on 2026-03-31 (until 2026-09-30), signed a labour contract on 2026-05-20 (2026-05-20 to open-ended, open-ended, at least 12)',
        },
        { zh: '2026-06已由用人单位缴纳社会保险', en: 'Social insurance paid by the employer for 2026-06' },
      ],
    });
  });
});
