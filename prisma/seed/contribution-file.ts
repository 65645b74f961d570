import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { makeCreditCode, makeResidentId } from '@vtc/domain';
import { generatePeople } from './people.ts';
import { buildPlan, personId } from './training.ts';

/**
 * A demo social-insurance contribution file (社保缴费) for the Bayannur bureau: the November 2026
 * contributions (the month of DEMO_TODAY; the seed itself holds them up to October) of the Bayannur
 * cook graduates still insured in October and of the four hired in November (whose first contributions
 * these are), with the contribution base, in the import template's
 * columns. Three rows are of persons who never trained on the platform (counted as unmatched, not
 * stored) and one has an unknown 险种 (listed as rejected), so the import result shows every outcome.
 *
 * Deterministic (a pure function of the seed), written to prisma/seed/bayannur-contributions-202611.csv:
 *   npx tsx prisma/seed/contribution-file.ts            # rewrite the file
 * A bureau imports it with POST /contributions (see README, "Importing social-insurance contributions").
 */
export const CONTRIBUTION_DEMO_MONTH = '202611';
export const CONTRIBUTION_DEMO_FILE = fileURLToPath(new URL('./bayannur-contributions-202611.csv', import.meta.url));

const TYPE_NAMES = { PENSION: '养老', UNEMPLOYMENT: '失业', WORK_INJURY: '工伤', MEDICAL: '医疗' } as const;
const dayOf = (d: Date | string | null | undefined) => (d == null ? '' : typeof d === 'string' ? d : d.toISOString().slice(0, 10));
const yuan = (fen: number) => `${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, '0')}`;

export function bayannurContributionCsv(): string {
  const people = generatePeople();
  const plan = buildPlan(people, (key) => `occupation:${key}`);
  const idOf = new Map(people.map((p) => [personId(p.index), p.idNumber]));
  const lines = ['身份证号,单位统一社会信用代码,缴费月份,险种,缴费金额(元),缴费基数(元)'];
  const october = plan.contributions
    .filter((c) => c.month === '202610' && c.employerCreditCode.slice(2, 6) === '1508')
    .sort((a, b) => `${a.personId}${a.insuranceType}`.localeCompare(`${b.personId}${b.insuranceType}`));
  for (const c of october) {
    const id = idOf.get(c.personId);
    if (!id) throw new Error('contribution file: person without an ID number');
    // The seed's bases are 3,800 yuan (rates: pension 24%, unemployment 1%, injury 0.5%, medical 9%).
    lines.push([id, c.employerCreditCode, CONTRIBUTION_DEMO_MONTH, TYPE_NAMES[c.insuranceType], yuan(c.amountFen), '3800.00'].join(','));
  }
  // Graduates hired in November: the seed has their contracts, not yet any contribution.
  const fen = (bp: number) => yuan(Math.round((380_000 * bp) / 10_000));
  const novemberHires = plan.employmentRecords
    .filter((r) => r.source === 'LABOUR_CONTRACT' && dayOf(r.contractStart).startsWith('2026-11') && r.employerCreditCode?.slice(2, 6) === '1508')
    .sort((a, b) => a.personId.localeCompare(b.personId));
  for (const r of novemberHires) {
    const id = idOf.get(r.personId);
    if (!id || !r.employerCreditCode) throw new Error('contribution file: November hire without an ID number or employer');
    for (const [type, bp] of [['养老', 2_400], ['失业', 100], ['工伤', 50], ['医疗', 900]] as const) {
      lines.push([id, r.employerCreditCode, CONTRIBUTION_DEMO_MONTH, type, fen(bp), '3800.00'].join(','));
    }
  }
  const restaurant = october[0]?.employerCreditCode ?? makeCreditCode({ regionCode: '150802', orgCode9: 'MA0Q00001' });
  for (let i = 0; i < 3; i++) {
    const stranger = makeResidentId({ regionCode: '150802', birthDate: `198${i}-06-15`, sequence: 901 + i * 2 });
    lines.push([stranger, restaurant, CONTRIBUTION_DEMO_MONTH, '养老', '912.00', '3800.00'].join(','));
  }
  const first = october[0] ? idOf.get(october[0].personId) : undefined;
  if (first) lines.push([first, restaurant, CONTRIBUTION_DEMO_MONTH, '生育', '38.00', '3800.00'].join(','));
  return `${lines.join('\r\n')}\r\n`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(CONTRIBUTION_DEMO_FILE, `\ufeff${bayannurContributionCsv()}`);
  console.log(`wrote ${CONTRIBUTION_DEMO_FILE}`);
}
