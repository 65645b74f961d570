import { randomBytes } from 'node:crypto';
import { type CertificatePayload, canonicalPayload, parseSignature, verifySignedBytes } from '@vtc/certificates';
import { configWith } from '@vtc/config';
import { certificateSigningFrom, decryptIdNumber, idNumberHash, type PiiKeys } from '@vtc/core';
import { createPrisma, type PrismaClient } from '@vtc/db';
import { createTestDatabase, type TestDatabase } from '@vtc/db/testing';
import {
  ageOn,
  DEFAULT_CLAIM_ACTION_LEVELS,
  maskResidentId,
  parseCreditCode,
  parseResidentId,
  regionCovers,
  validatePolicy,
  validatePolicyRules,
} from '@vtc/domain';
import argon2 from 'argon2';
import { DEMO_ACCOUNTS, DEMO_TODAY, DemoDataInProductionError, type SeedResult, seedDemo } from './index.ts';
import { generatePeople } from './people.ts';
import { SUBSIDY_POLICIES } from './policies.ts';

describe('seeded subsidy policies', () => {
  it.each(SUBSIDY_POLICIES.map((p) => [p.code, p] as const))('%s is in the engine rules shape of its kind', (_code, p) => {
    // Seeded policies name no review levels: county review, city approval (the default) applies.
    expect(validatePolicyRules(p.kind, p.rules)).toEqual({ assumptions: null, review: DEFAULT_CLAIM_ACTION_LEVELS, ...p.rules });
  });
});

const TIMEOUT = 180_000;
const PASSWORD = 'Seed#Test2026';
const keys: PiiKeys = { encryptionKey: randomBytes(32), hashKey: randomBytes(32) };
const today = new Date(`${DEMO_TODAY}T12:00:00+08:00`);

let db: TestDatabase;
let prisma: PrismaClient;
let first: SeedResult;
const log: string[] = [];

beforeAll(async () => {
  db = await createTestDatabase('seed');
  prisma = createPrisma(db.url, { max: 4 });
  first = await seedDemo(prisma, { demoPassword: PASSWORD, piiKeys: keys, log: (line) => log.push(line) });
}, TIMEOUT);

afterAll(async () => {
  await prisma?.$disconnect();
  await db?.drop();
}, TIMEOUT);

const ymd = (d: Date): string => d.toISOString().slice(0, 10);

describe('seedDemo on a fresh database', () => {
  it('creates the demo data', () => {
    expect(first.created).toBe(true);
    expect(log.length).toBeGreaterThan(0);
    expect(first.counts.persons).toBeGreaterThanOrEqual(250);
    expect(first.counts.regions).toBe(56);
    for (const table of [
      'occupations',
      'organizations',
      'organizationOccupations',
      'labourBrands',
      'subsidyPolicies',
      'targets',
      'trainingOrders',
      'trainingClasses',
      'enrollments',
      'attendanceSessions',
      'attendanceRecords',
      'apprenticeships',
      'assessmentSessions',
      'assessmentResults',
      'certificates',
      'competitions',
      'competitionEntries',
      'employmentRecords',
      'socialInsuranceContributions',
    ]) {
      expect({ table, seeded: (first.counts[table] ?? 0) > 0 }).toEqual({ table, seeded: true });
    }
  });

  it('stores every resident ID encrypted, hashed and masked consistently with the ID itself', async () => {
    const people = await prisma.person.findMany();
    expect(people.length).toBeGreaterThanOrEqual(250);
    const hashes = new Set<string>();
    for (const p of people) {
      const id = decryptIdNumber(keys, p.idNumberCipher);
      const parsed = parseResidentId(id, new Date());
      expect(parsed.ok).toBe(true);
      if (!parsed.ok) continue;
      expect(p.idNumberHash).toBe(idNumberHash(keys, id));
      expect(p.idNumberMasked).toBe(maskResidentId(id));
      expect(p.idNumberMasked).toBe(`${id.slice(0, 6)}********${id.slice(-4)}`);
      expect(ymd(p.birthDate)).toBe(parsed.value.birthDate);
      expect(p.sex).toBe(parsed.value.sex);
      expect(p.originRegionCode).toBe(parsed.value.regionCode);
      const age = ageOn(parsed.value.birthDate, today);
      expect(age).toBeGreaterThanOrEqual(18);
      expect(age).toBeLessThanOrEqual(55);
      expect(p.phone).toMatch(/^1[3-9]\d{9}$/);
      expect(p.name.length).toBeGreaterThanOrEqual(2);
      hashes.add(p.idNumberHash);
    }
    expect(hashes.size).toBe(people.length);
    // Persons come from seeded county-level regions.
    const counties = await prisma.region.findMany({ where: { level: 'COUNTY' }, select: { code: true } });
    const countyCodes = new Set(counties.map((c) => c.code));
    expect(people.every((p) => countyCodes.has(p.originRegionCode))).toBe(true);
  });

  it('is deterministic: the stored people are exactly the generated ones', async () => {
    const generated = generatePeople();
    expect(generatePeople()).toEqual(generated);
    const stored = await prisma.person.findMany({ select: { idNumberHash: true, name: true } });
    const byHash = new Map(stored.map((p) => [p.idNumberHash, p.name]));
    for (const g of generated) expect(byHash.get(idNumberHash(keys, g.idNumber))).toBe(g.name);
  });

  it('signs every demo certificate like a real one: the signature verifies over its printed payload', async () => {
    const certs = await prisma.certificate.findMany();
    expect(certs.length).toBeGreaterThan(0);
    const key = certificateSigningFrom(configWith({})).publicKey;
    for (const c of certs) {
      const sig = parseSignature(c.signature!);
      const payload = c.signedPayload as unknown as CertificatePayload;
      expect(payload.number).toBe(c.number);
      expect(verifySignedBytes(canonicalPayload(payload), sig.value, sig.keyId, [key]).status).toBe('VALID');
    }
  });

  it('seeds the region tree with real codes', async () => {
    const regions = await prisma.region.findMany();
    const byCode = new Map(regions.map((r) => [r.code, r]));
    expect(byCode.get('141000')).toMatchObject({ name: '临汾市', level: 'CITY', parentCode: '140000' });
    expect(byCode.get('150800')).toMatchObject({ name: '巴彦淖尔市', level: 'CITY', parentCode: '150000' });
    expect(byCode.get('610924')).toMatchObject({ name: '紫阳县', level: 'COUNTY', parentCode: '610900' });
    expect(byCode.get('140000')).toMatchObject({ level: 'PROVINCE', parentCode: null });
    expect(regions.filter((r) => r.parentCode === '141000')).toHaveLength(17);
    for (const r of regions) if (r.parentCode) expect(byCode.has(r.parentCode)).toBe(true);
  });

  it('gives every organization a valid credit code for its own region', async () => {
    const orgs = await prisma.organization.findMany();
    expect(orgs.length).toBeGreaterThanOrEqual(15);
    for (const o of orgs) {
      const parsed = parseCreditCode(o.creditCode);
      expect({ name: o.name, ok: parsed.ok }).toEqual({ name: o.name, ok: true });
      if (parsed.ok) expect(parsed.value.regionCode).toBe(o.regionCode);
      expect(o.creditCodeCheck).toBe('VALID');
    }
    const evaluator = orgs.find((o) => o.kind === 'EVALUATION_BODY');
    expect(evaluator?.evaluationCode).toMatch(/^\d{4}$/);
  });

  it('creates every demo account with the right binding and the demo password', async () => {
    const expected: Record<
      string,
      { role: string; region?: string; kind?: string; orgRegion?: string; ids?: boolean }
    > = {
      admin: { role: 'SYSTEM_ADMIN' },
      'shanxi.bureau': { role: 'BUREAU_OFFICER', region: '140000', ids: true },
      'linfen.bureau': { role: 'BUREAU_OFFICER', region: '141000', ids: true },
      'yaodu.bureau': { role: 'BUREAU_OFFICER', region: '141002' },
      'xiangfen.bureau': { role: 'BUREAU_OFFICER', region: '141023' },
      'bayannur.bureau': { role: 'BUREAU_OFFICER', region: '150800' },
      institution1: { role: 'INSTITUTION_STAFF', kind: 'TRAINING_INSTITUTION', orgRegion: '141002' },
      institution2: { role: 'INSTITUTION_STAFF', kind: 'TRAINING_INSTITUTION', orgRegion: '141023' },
      'hetao.school': { role: 'INSTITUTION_STAFF', kind: 'TRAINING_INSTITUTION', orgRegion: '150802' },
      college1: { role: 'INSTITUTION_STAFF', kind: 'VOCATIONAL_COLLEGE', orgRegion: '141000' },
      evaluator1: { role: 'EVALUATOR', kind: 'EVALUATION_BODY' },
      enterprise1: { role: 'ENTERPRISE_STAFF', kind: 'ENTERPRISE', orgRegion: '141002' },
      trainee1: { role: 'TRAINEE' },
    };
    expect(DEMO_ACCOUNTS.map((a) => a.username).sort()).toEqual(Object.keys(expected).sort());
    const users = await prisma.user.findMany({ include: { roleBindings: { include: { organization: true } } } });
    for (const [username, want] of Object.entries(expected)) {
      const user = users.find((u) => u.username === username);
      expect(user).toBeDefined();
      if (!user) continue;
      expect(user.status).toBe('ACTIVE');
      expect(user.displayName).toMatch(/\p{Script=Han}/u);
      expect(user.roleBindings).toHaveLength(1);
      const b = user.roleBindings[0];
      if (!b) continue;
      expect({ username, role: b.role }).toEqual({ username, role: want.role });
      expect(b.canViewIdNumbers).toBe(want.ids ?? false);
      if (want.region) {
        expect(b.regionCode).toBe(want.region);
        expect(b.organization?.kind).toBe('HR_BUREAU');
        expect(b.organization?.regionCode).toBe(want.region);
      }
      if (want.kind) expect(b.organization?.kind).toBe(want.kind);
      if (want.orgRegion) expect(b.organization?.regionCode).toBe(want.orgRegion);
      if (want.role === 'TRAINEE') {
        expect(b.personId).not.toBeNull();
        expect(user.personId).toBe(b.personId);
      }
    }
    const admin = users.find((u) => u.username === 'admin');
    await expect(argon2.verify(admin?.passwordHash ?? '', PASSWORD)).resolves.toBe(true);
    await expect(argon2.verify(admin?.passwordHash ?? '', 'Vtc@2026demo')).resolves.toBe(false);
  });

  it('enrolls trainee1 in a class of institution1', async () => {
    const trainee = await prisma.user.findUniqueOrThrow({ where: { username: 'trainee1' } });
    const institution = await prisma.roleBinding.findFirstOrThrow({ where: { user: { username: 'institution1' } } });
    const enrollments = await prisma.enrollment.findMany({
      where: { personId: trainee.personId ?? '' },
      include: { class: true },
    });
    expect(enrollments.some((e) => e.class.institutionId === institution.organizationId)).toBe(true);
  });

  it('lays out classes in every state, within capacity, scoped to the institution region', async () => {
    const classes = await prisma.trainingClass.findMany({
      include: { institution: true, _count: { select: { enrollments: true, attendanceSessions: true } } },
    });
    const statuses = new Set(classes.map((c) => c.status));
    for (const s of ['DRAFT', 'SUBMITTED', 'APPROVED', 'IN_PROGRESS', 'COMPLETED'] as const)
      expect(statuses.has(s)).toBe(true);
    for (const c of classes) {
      expect(c._count.enrollments).toBeLessThanOrEqual(c.capacity);
      expect(c.regionCode).toBe(c.institution.regionCode);
      if (c.status === 'IN_PROGRESS' || c.status === 'COMPLETED')
        expect(c._count.attendanceSessions).toBeGreaterThan(0);
      else expect(c._count.attendanceSessions).toBe(0);
    }
    const institutionsWithClasses = new Set(classes.map((c) => c.institution.regionCode));
    for (const region of ['141002', '141023', '141000']) expect(institutionsWithClasses.has(region)).toBe(true);
    expect(classes.some((c) => regionCovers('150800', c.regionCode))).toBe(true);
    expect(classes.some((c) => c.mode === 'ORDER_BASED' && c.trainingOrderId !== null)).toBe(true);
  });

  it('issues skill-level certificates with well-formed numbers', async () => {
    const certificates = await prisma.certificate.findMany({ include: { issuer: true, assessmentResult: true } });
    expect(certificates.length).toBeGreaterThanOrEqual(2);
    for (const c of certificates) {
      expect(c.kind).toBe('SKILL_LEVEL');
      expect(c.number).toMatch(/^S\d{21}$/);
      expect(c.number.slice(1, 5)).toBe(c.issuer.evaluationCode);
      expect(c.number.slice(13, 15)).toBe(ymd(c.issuedOn).slice(2, 4));
      expect(c.number.slice(15, 16)).toBe(c.level?.slice(-1));
      expect(c.assessmentResult?.outcome).toBe('PASSED');
      expect(c.verifyToken.length).toBeGreaterThanOrEqual(16);
    }
  });

  it('holds a competition under 临汾技工 in at least three Linfen counties', async () => {
    const competitions = await prisma.competition.findMany({ include: { labourBrand: true } });
    const counties = new Set(
      competitions
        .filter(
          (c) => c.labourBrand?.name === '临汾技工' && c.level === 'COUNTY' && regionCovers('141000', c.regionCode),
        )
        .map((c) => c.regionCode),
    );
    expect(counties.size).toBeGreaterThanOrEqual(3);
  });

  it('stores the policy figures as published, sourced, versioned data the engine validates', async () => {
    const policies = await prisma.subsidyPolicy.findMany();
    expect(policies.every((p) => p.status === 'PUBLISHED' && p.sourceDocument)).toBe(true);
    for (const p of policies) expect(validatePolicy(p).rules).toEqual({ assumptions: null, review: DEFAULT_CLAIM_ACTION_LEVELS, ...(p.rules as object) });
    const certificate = policies.find((p) => p.kind === 'CERTIFICATE' && p.regionCode === '141000');
    expect(certificate?.rules).toMatchObject({ amountFenByLevel: { LEVEL_4: 60_000, LEVEL_3: 80_000 } });
    const classHour = policies.find((p) => p.kind === 'CLASS_HOUR' && p.regionCode === '150800');
    expect(classHour?.rules).toMatchObject({
      employmentUplift: { upliftBp: 5_000, withinMonths: 6, minContractMonths: 12, requiresSocialInsurance: true },
      minAttendanceRateBp: 8_000,
    });
    const target = await prisma.target.findUnique({
      where: { regionCode_year_metric: { regionCode: '141000', year: 2022, metric: 'SUBSIDISED_TRAINEES' } },
    });
    expect(target?.value).toBe(35_000);
  });

  it('does nothing the second time', async () => {
    const second = await seedDemo(prisma, { demoPassword: PASSWORD, piiKeys: keys });
    expect(second.created).toBe(false);
    expect(second.counts).toEqual(first.counts);
  });

  it('refuses to run as production on a database that holds the demo data', async () => {
    await expect(seedDemo(prisma, { demoPassword: PASSWORD, piiKeys: keys, production: true })).rejects.toThrow(DemoDataInProductionError);
  });
});

describe('seedDemo failure and concurrency', () => {
  let other: TestDatabase;
  let client: PrismaClient;

  beforeAll(async () => {
    other = await createTestDatabase('seed_fail');
    client = createPrisma(other.url, { max: 6 });
  }, TIMEOUT);

  afterAll(async () => {
    await client?.$disconnect();
    await other?.drop();
  }, TIMEOUT);

  it('leaves nothing behind when the seed fails halfway, and seeds once when run twice at the same time', async () => {
    // A user that collides with a demo account (but is not the `admin` marker) makes the seed fail
    // after regions, organizations and persons were already written inside its transaction.
    const blocker = await client.user.create({
      data: { username: 'institution1', displayName: '占用', passwordHash: 'x' },
    });
    await expect(seedDemo(client, { demoPassword: PASSWORD, piiKeys: keys })).rejects.toThrow();
    expect(await client.region.count()).toBe(0);
    expect(await client.person.count()).toBe(0);
    expect(await client.organization.count()).toBe(0);
    await client.user.delete({ where: { id: blocker.id } });

    const results = await Promise.all([
      seedDemo(client, { demoPassword: PASSWORD, piiKeys: keys }),
      seedDemo(client, { demoPassword: PASSWORD, piiKeys: keys }),
    ]);
    expect(results.map((r) => r.created).sort()).toEqual([false, true]);
    expect(await client.person.count()).toBe(first.counts.persons);
    expect(await client.user.count()).toBe(DEMO_ACCOUNTS.length);
  });
});
