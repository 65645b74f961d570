import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createPrisma, type PrismaClient } from '@vtc/db';
import { createTestDatabase, type TestDatabase } from '@vtc/db/testing';
import { DomainError } from '@vtc/domain';
import type { Actor, ActorRole } from '../shared/actor.ts';
import { certificatePdf } from './pdf.ts';

/**
 * Who may download a certificate's PDF, and which bytes they get. The certificates here have a stored
 * document, so nothing is rendered (rendering needs CJK fonts, covered by the API and worker tests).
 */
let db: TestDatabase;
let prisma: PrismaClient;
let issuer: string;
let holder: string;
let stored: string;
let unsigned: string;
const STORED_PDF = Buffer.from('%PDF-1.7 stored document');
const OPTIONS = { baseUrl: 'https://vtc.example.gov.cn' };

const role = (r: Partial<ActorRole> & Pick<ActorRole, 'role'>): ActorRole => ({ regionCode: null, organizationId: null, personId: null, canViewIdNumbers: false, ...r });
const actor = (...roles: ActorRole[]): Actor => ({ userId: randomUUID(), username: 'u', sessionId: null, roles });

beforeAll(async () => {
  db = await createTestDatabase('certificate_pdf');
  prisma = createPrisma(db.url);
  await prisma.region.create({ data: { code: '141000', name: '临汾市', level: 'CITY' } });
  const org = (name: string, creditCode: string) =>
    prisma.organization.create({ data: { name, kind: 'EVALUATION_BODY', regionCode: '141000', creditCode } });
  issuer = (await org('临汾市职业技能鉴定中心', '52141000MJ0000001A')).id;
  await org('另一评价机构', '52141000MJ0000002A');
  holder = (
    await prisma.person.create({
      data: {
        name: '张伟',
        idNumberCipher: 'cipher',
        idNumberHash: 'a'.repeat(64),
        idNumberMasked: '141002********1234',
        birthDate: new Date('1990-01-01T00:00:00Z'),
        sex: 'MALE',
        originRegionCode: '141002',
      },
    })
  ).id;
  const certificate = (number: string, signed: boolean) =>
    prisma.certificate.create({
      data: {
        number,
        kind: 'SKILL_LEVEL',
        personId: holder,
        issuerId: issuer,
        issuedOn: new Date('2026-12-05T00:00:00Z'),
        verifyToken: randomUUID(),
        ...(signed ? { signature: 'k1.signature', signatureKeyId: 'k1', signedPayload: { number } } : {}),
      },
    });
  stored = (await certificate('S1408141410022640000001', true)).id;
  await prisma.certificateDocument.create({ data: { certificateId: stored, pdf: new Uint8Array(STORED_PDF), sha256: '0'.repeat(64) } });
  unsigned = (await certificate('S1408141410022640000002', false)).id;
});

afterAll(async () => {
  await prisma.$disconnect();
  await db.drop();
});

async function codeOf(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p;
  } catch (e) {
    if (e instanceof DomainError) return `${e.code}:${e.details?.field}`;
    throw e;
  }
  return undefined;
}

describe('certificatePdf', () => {
  it('gives the holder and the issuer the stored document, named by the certificate number', async () => {
    for (const who of [actor(role({ role: 'TRAINEE', personId: holder })), actor(role({ role: 'EVALUATOR', organizationId: issuer }))]) {
      const r = await certificatePdf(prisma, who, stored, OPTIONS);
      expect(r.number).toBe('S1408141410022640000001');
      expect(r.pdf.equals(STORED_PDF)).toBe(true);
    }
  });

  it('answers NOT_FOUND alike outside the scope, for an unsigned certificate, an unknown and a malformed id', async () => {
    const otherEvaluator = actor(role({ role: 'EVALUATOR', organizationId: randomUUID() }));
    const otherTrainee = actor(role({ role: 'TRAINEE', personId: randomUUID() }));
    const issuerStaff = actor(role({ role: 'EVALUATOR', organizationId: issuer }));
    expect(await codeOf(certificatePdf(prisma, otherEvaluator, stored, OPTIONS))).toBe('NOT_FOUND:id');
    expect(await codeOf(certificatePdf(prisma, otherTrainee, stored, OPTIONS))).toBe('NOT_FOUND:id');
    expect(await codeOf(certificatePdf(prisma, actor(), stored, OPTIONS))).toBe('NOT_FOUND:id');
    expect(await codeOf(certificatePdf(prisma, issuerStaff, unsigned, OPTIONS))).toBe('NOT_FOUND:id');
    expect(await codeOf(certificatePdf(prisma, issuerStaff, randomUUID(), OPTIONS))).toBe('NOT_FOUND:id');
    expect(await codeOf(certificatePdf(prisma, issuerStaff, 'not-a-uuid', OPTIONS))).toBe('NOT_FOUND:id');
  });
});
