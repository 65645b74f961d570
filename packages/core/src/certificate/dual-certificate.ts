import type { PrismaClient } from '@vtc/db';
import { DomainError } from '@vtc/domain';
import type { Actor } from '../shared/actor.ts';
import { organizationScope } from '../shared/scope.ts';

/**
 * "Dual certificate" (双证书) view for a vocational college: of its students graduating in a year
 * (trained in its classes that end that year), who holds at least one skill-level or special-ability
 * certificate and who does not. The policy asks every graduating student for at least one (003 item 9).
 */
export async function dualCertificateReport(prisma: PrismaClient, actor: Actor, input: { collegeId: string; graduationYear: number }) {
  if (!Number.isInteger(input.graduationYear) || input.graduationYear < 2000 || input.graduationYear > 2100) {
    throw new DomainError('VALIDATION', { zh: '毕业年份不正确', en: 'Graduation year must be 2000–2100' }, { field: 'graduationYear' });
  }
  const college = await prisma.organization.findFirst({ where: { AND: [{ id: input.collegeId }, organizationScope(actor)] } });
  if (!college) throw new DomainError('NOT_FOUND', { zh: '院校不存在或无权访问', en: 'College not found' });
  if (college.kind !== 'VOCATIONAL_COLLEGE') {
    throw new DomainError('VALIDATION', { zh: '该机构不是职业院校', en: 'The organization is not a vocational college' }, { field: 'collegeId' });
  }
  const from = new Date(Date.UTC(input.graduationYear, 0, 1));
  const to = new Date(Date.UTC(input.graduationYear + 1, 0, 1));
  const rows = await prisma.$queryRaw<Array<{ id: string; name: string; masked: string; certificates: number }>>`
    SELECT p.id::text AS id, p.name, p."idNumberMasked" AS masked,
           COUNT(DISTINCT c.id)::int AS certificates
      FROM "Enrollment" e
      JOIN "TrainingClass" k ON k.id = e."classId"
      JOIN "Person" p ON p.id = e."personId"
      LEFT JOIN "Certificate" c ON c."personId" = p.id AND c.status = 'ISSUED' AND c.kind IN ('SKILL_LEVEL', 'SPECIAL_ABILITY')
     WHERE k."institutionId" = ${college.id}::uuid AND k."endDate" >= ${from} AND k."endDate" < ${to}
       AND e.status <> 'WITHDRAWN'
     GROUP BY p.id, p.name, p."idNumberMasked"
     ORDER BY p.name, p.id`;
  const withCert = rows.filter((r) => r.certificates > 0);
  const without = rows.filter((r) => r.certificates === 0);
  return {
    collegeId: college.id,
    graduationYear: input.graduationYear,
    students: rows.length,
    withCertificate: withCert.length,
    withoutCertificate: without.length,
    /** Share with at least one certificate, basis points. */
    coverageBp: rows.length ? Math.floor((withCert.length * 10_000) / rows.length) : 0,
    studentsWithout: without.map((r) => ({ personId: r.id, name: r.name, idNumberMasked: r.masked })),
  };
}
