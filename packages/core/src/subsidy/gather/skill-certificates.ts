import type { Tx } from '@vtc/db';
import { type HeldCertificate, isoDate } from '@vtc/domain';

/** The issued skill-level certificates persons hold, as every gatherer reads them. */

export type CertRow = {
  id: string;
  number: string;
  level: string | null;
  issuedOn: Date;
  occupation: { code: string } | null;
  assessmentResult: { session: { classId: string | null } } | null;
};

/** The certificates the engine checks a person's history against (higher level held, same one twice). */
export function held(certs: readonly CertRow[]): HeldCertificate[] {
  return certs
    .filter((c) => c.level !== null && c.occupation !== null)
    .map((c) => ({ occupationCode: c.occupation!.code, level: c.level as HeldCertificate['level'], issuedOn: isoDate(c.issuedOn), number: c.number }));
}

/** The evaluator type a certificate number starts with (Y or S), else null. */
function evaluatorOf(number: string): 'Y' | 'S' | null {
  const first = number.charAt(0);
  return first === 'Y' || first === 'S' ? first : null;
}

/** The facts of the certificate a line pays for (its occupation and level are known). */
export function certificateFacts(c: CertRow) {
  return { number: c.number, occupationCode: c.occupation!.code, level: c.level as HeldCertificate['level'], issuedOn: isoDate(c.issuedOn), evaluatorType: evaluatorOf(c.number) };
}

/** The issued skill-level certificates of these persons, oldest first, by person (one query). */
export async function skillCertificates(tx: Tx, personIds: string[]): Promise<Map<string, CertRow[]>> {
  const by = new Map<string, CertRow[]>();
  if (personIds.length === 0) return by;
  const rows = await tx.certificate.findMany({
    where: { personId: { in: personIds }, kind: 'SKILL_LEVEL', status: 'ISSUED' },
    orderBy: [{ issuedOn: 'asc' }, { number: 'asc' }],
    select: {
      id: true,
      number: true,
      level: true,
      issuedOn: true,
      personId: true,
      occupation: { select: { code: true } },
      assessmentResult: { select: { session: { select: { classId: true } } } },
    },
  });
  for (const r of rows) {
    const list = by.get(r.personId);
    if (list) list.push(r);
    else by.set(r.personId, [r]);
  }
  return by;
}
