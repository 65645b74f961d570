import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { parseContributionFile } from '@vtc/core';
import { validateContributionRows } from '@vtc/domain';
import { bayannurContributionCsv, CONTRIBUTION_DEMO_FILE } from './contribution-file.ts';
import { generatePeople } from './people.ts';

/** The demo contribution file is the generator's output, and imports as the README says. */
describe('Bayannur demo contribution file', () => {
  it('is up to date with the seed (regenerate: npx tsx prisma/seed/contribution-file.ts)', () => {
    expect(readFileSync(CONTRIBUTION_DEMO_FILE, 'utf8')).toBe(`\ufeff${bayannurContributionCsv()}`);
  });

  it('has 72 rows of 18 seeded trainees, 3 of strangers and 1 rejected row', async () => {
    const parsed = await parseContributionFile(readFileSync(CONTRIBUTION_DEMO_FILE));
    const outcomes = validateContributionRows(parsed.rows, new Date('2026-11-22T04:00:00Z'));
    const rejected = outcomes.filter((o) => !o.ok);
    expect(rejected).toEqual([expect.objectContaining({ row: 77, errors: [expect.objectContaining({ field: 'insuranceType', code: 'UNKNOWN_TYPE' })] })]);
    const seeded = new Set(generatePeople().map((p) => p.idNumber));
    const valid = outcomes.flatMap((o) => (o.ok ? [o.value] : []));
    const known = valid.filter((v) => seeded.has(v.idNumber));
    expect([valid.length, known.length, new Set(known.map((v) => v.idNumber)).size]).toEqual([75, 72, 18]);
  });
});
