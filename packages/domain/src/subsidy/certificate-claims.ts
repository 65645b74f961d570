import { missingFact, refuse } from './eligibility';
import type { ClaimPerson, ExplanationStep } from './facts';
import { yuanEn, yuanZh } from './money';
import type { SubsidyPolicy } from './policy';
import { type LevelAmounts, POLICY_KIND_NAMES } from './rules';
import {
  type Built,
  type Ctx,
  certificateOf,
  certificateStep,
  eligible,
  type Inputs,
  isCert,
  levelAmount,
  levelName,
  perLevelKey,
  wholeNumber,
} from './candidate';

/** Builders for the claims on issued certificates: CERTIFICATE, ENTERPRISE_SELF_EVALUATION and SKILL_UPGRADE. */

export function buildCertificateKind(
  ctx: Ctx<'CERTIFICATE' | 'ENTERPRISE_SELF_EVALUATION' | 'SKILL_UPGRADE'>,
  person: ClaimPerson,
  basisRefOfClaim: string,
): Built {
  const policy = ctx.policy as SubsidyPolicy;
  const e = eligible(policy.rules, person);
  if (!('ok' in e)) return e;
  const cert = certificateOf(person);
  if (!isCert(cert)) return cert;
  const steps: ExplanationStep[] = [...e.steps, certificateStep(cert)];
  const inputs: Inputs = {
    claimBasisRef: basisRefOfClaim,
    certificateNumber: cert.number,
    occupationCode: cert.occupationCode,
    certificateLevel: cert.level,
    certificateIssuedOn: cert.issuedOn,
  };
  let table: LevelAmounts;
  let once: boolean;
  switch (policy.kind) {
    case 'CERTIFICATE':
      table = policy.rules.amountFenByLevel;
      once = policy.rules.sameOccupationAndLevelOnce;
      if (policy.rules.graduatingStudentsOnly) {
        if (person.graduatingStudent === undefined) return missingFact('graduatingStudent', '是否毕业年度学生');
        if (!person.graduatingStudent) {
          return refuse('NOT_GRADUATING_STUDENT', '不是职业院校毕业年度学生', 'Not a graduating-year student of a vocational college');
        }
        steps.push({ zh: '职业院校毕业年度学生', en: 'Graduating-year student of a vocational college' });
        inputs.graduatingStudent = true;
      }
      break;
    case 'ENTERPRISE_SELF_EVALUATION':
      table = policy.rules.amountFenByLevel;
      once = policy.rules.sameOccupationAndLevelOnce;
      if (cert.evaluatorType !== 'Y') {
        return refuse('NOT_SELF_EVALUATED', '证书不是企业自主评价(Y类)颁发的', 'The certificate was not issued by employer self-evaluation (type Y)');
      }
      steps.push({ zh: '证书由企业自主评价颁发(Y类)', en: 'Issued by employer self-evaluation (type Y)' });
      inputs.evaluatorType = cert.evaluatorType;
      break;
    case 'SKILL_UPGRADE':
      table = policy.rules.amountFenByLevel;
      once = policy.rules.sameOccupationAndLevelOnce;
      if (policy.rules.minInsuredMonths !== null) {
        const months = person.insuredMonths;
        if (months === undefined) return missingFact('insuredMonths', '失业保险参保月数');
        wholeNumber(months, 'insuredMonths', person.personId);
        if (months < policy.rules.minInsuredMonths) {
          return refuse(
            'INSURED_MONTHS_BELOW_MINIMUM',
            `失业保险参保${months}个月,不足${policy.rules.minInsuredMonths}个月`,
            `Insured for ${months} month(s), fewer than the ${policy.rules.minInsuredMonths} required`,
          );
        }
        steps.push({
          zh: `失业保险参保${months}个月,不少于${policy.rules.minInsuredMonths}个月`,
          en: `Insured for ${months} months, at least ${policy.rules.minInsuredMonths}`,
        });
        inputs.insuredMonths = months;
      }
      break;
    default:
      throw new Error(`unreachable: ${policy.kind}`);
  }
  const name = POLICY_KIND_NAMES[policy.kind];
  const amount = levelAmount(table, cert.level, name);
  if (typeof amount !== 'number') return amount;
  const l = levelName(cert.level);
  steps.push({ zh: `${l.zh}证书补贴标准${yuanZh(amount)}`, en: `The ${l.en} amount is ${yuanEn(amount)}`, amountFen: amount });
  const basisRef = `certificate:${cert.number}`;
  return {
    part: 'MAIN',
    occupationCode: cert.occupationCode,
    level: cert.level,
    basisRef,
    basisDate: cert.issuedOn,
    deadlineFrom: { date: cert.issuedOn, zh: '发证日期', en: 'the certificate issue date' },
    amountFen: amount,
    key: perLevelKey(policy.kind, once, basisRef),
    countsTowardLimit: true,
    levelReferenceDate: cert.issuedOn,
    supplementary: false,
    rule: `${policy.kind}.LEVEL`,
    inputs,
    steps,
  };
}
