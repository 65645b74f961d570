import { describe, expect, it } from '@jest/globals';
import { DomainError } from '@vtc/domain';
import {
  type CertificatePayloadInput,
  PAYLOAD_FIELDS,
  PayloadFormatError,
  canonicalPayload,
  canonicalPayloadString,
  createCertificatePayload,
  parseCanonicalPayload,
} from './payload.ts';

const skill: CertificatePayloadInput = {
  number: 's123414141002264000123',
  kind: 'SKILL_LEVEL',
  holderName: ' 欧阳 明轩 ',
  holderResidentId: '141002199001011234',
  occupationCode: '4-10-01-05',
  occupationName: '养老护理员',
  level: 'LEVEL_4',
  issuerName: '临汾市职业技能鉴定指导中心',
  issuerCode: '12141000MB1234567X',
  issuedOn: '2026-11-22',
};

const enc = (s: string) => new TextEncoder().encode(s);

function fieldOf(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(DomainError);
    return (e as DomainError).details?.field;
  }
  throw new Error('expected a DomainError');
}

describe('createCertificatePayload', () => {
  it('masks the ID, derives the level name, normalises text, orders the keys', () => {
    const p = createCertificatePayload(skill);
    expect(p).toEqual({
      v: 1,
      number: 'S123414141002264000123',
      kind: 'SKILL_LEVEL',
      holderName: '欧阳 明轩',
      holderIdMasked: '141002********1234',
      occupationCode: '4-10-01-05',
      occupationName: '养老护理员',
      level: 'LEVEL_4',
      levelName: '中级工',
      issuerName: '临汾市职业技能鉴定指导中心',
      issuerCode: '12141000MB1234567X',
      issuedOn: '2026-11-22',
    });
    expect(Object.keys(p)).toEqual(PAYLOAD_FIELDS.slice(0, 12));
    expect(Object.isFrozen(p)).toBe(true);
    expect(JSON.stringify(p)).not.toContain('199001011234');
  });

  it('has one exact canonical serialisation', () => {
    const p = createCertificatePayload(skill);
    expect(canonicalPayloadString(p)).toBe(
      '{"v":1,"number":"S123414141002264000123","kind":"SKILL_LEVEL","holderName":"欧阳 明轩",' +
        '"holderIdMasked":"141002********1234","occupationCode":"4-10-01-05","occupationName":"养老护理员",' +
        '"level":"LEVEL_4","levelName":"中级工","issuerName":"临汾市职业技能鉴定指导中心",' +
        '"issuerCode":"12141000MB1234567X","issuedOn":"2026-11-22"}',
    );
    // Key order of the input object does not matter.
    const shuffled = Object.fromEntries(Object.entries(p).reverse()) as unknown as typeof p;
    expect(Buffer.from(canonicalPayload(shuffled)).equals(Buffer.from(canonicalPayload(p)))).toBe(true);
    expect(parseCanonicalPayload(canonicalPayload(p))).toEqual(p);
  });

  it('accepts an already masked ID and refuses an unmasked one without echoing it', () => {
    const { holderResidentId: _, ...rest } = skill;
    expect(createCertificatePayload({ ...rest, holderIdMasked: '141002********1234' }).holderIdMasked).toBe('141002********1234');
    let error: unknown;
    try {
      createCertificatePayload({ ...rest, holderIdMasked: '141002199001011234' });
    } catch (e) {
      error = e;
    }
    expect((error as DomainError).details).toEqual({ field: 'holderIdMasked' });
    expect(JSON.stringify((error as DomainError).localized)).not.toContain('199001011234');
  });

  it('checks the national number format and its level digit for skill-level certificates', () => {
    expect(fieldOf(() => createCertificatePayload({ ...skill, number: 'JY-2026-000001' }))).toBe('number');
    expect(fieldOf(() => createCertificatePayload({ ...skill, level: 'LEVEL_3' }))).toBe('number');
    expect(fieldOf(() => createCertificatePayload({ ...skill, level: null }))).toBe('level');
  });

  it.each([
    ['holderName', { holderName: '  ' }],
    ['issuedOn', { issuedOn: '2026-02-30' }],
    ['occupationName', { occupationName: '电工\u202e' }],
    ['kind', { kind: 'DIPLOMA' }],
  ])('rejects a bad %s', (field, patch) => {
    expect(fieldOf(() => createCertificatePayload({ ...skill, ...patch } as CertificatePayloadInput))).toBe(field);
  });

  it('builds a training-completion payload with its own fields and refuses foreign ones', () => {
    const p = createCertificatePayload({
      ...skill,
      number: 'JY-141002-2026-000001',
      kind: 'TRAINING_COMPLETION',
      level: null,
      classCode: 'PX-141002-2026-0001',
      className: '养老护理员就业技能培训班',
      trainingHours: 120,
      trainingStartOn: '2026-09-01',
      trainingEndOn: '2026-10-30',
    });
    expect(p).toMatchObject({ kind: 'TRAINING_COMPLETION', level: null, levelName: null, trainingHours: 120 });
    expect(Object.keys(p).slice(-5)).toEqual(['classCode', 'className', 'trainingHours', 'trainingStartOn', 'trainingEndOn']);
    expect(
      fieldOf(() =>
        createCertificatePayload({
          ...skill,
          number: 'JY-1',
          kind: 'TRAINING_COMPLETION',
          classCode: 'PX-1',
          trainingHours: 8,
          trainingStartOn: '2026-10-01',
          trainingEndOn: '2026-09-01',
        }),
      ),
    ).toBe('trainingEndOn');
    expect(fieldOf(() => createCertificatePayload({ ...skill, classCode: 'PX-1' }))).toBe('classCode');
  });

  it('builds a competition-award payload with the award name', () => {
    const p = createCertificatePayload({
      ...skill,
      number: 'JS-141000-2026-000001',
      kind: 'COMPETITION_AWARD',
      level: 'LEVEL_2',
      competitionName: '2026年临汾市职业技能竞赛',
      award: 'GOLD',
      rank: 1,
    });
    expect(p).toMatchObject({ award: 'GOLD', awardName: '金奖', rank: 1, levelName: '技师' });
    expect(fieldOf(() => createCertificatePayload({ ...skill, number: 'JS-1', kind: 'COMPETITION_AWARD', competitionName: 'x' }))).toBe(
      'award',
    );
  });

  it('refuses a level on a special-ability certificate', () => {
    expect(fieldOf(() => createCertificatePayload({ ...skill, number: 'ZX-1', kind: 'SPECIAL_ABILITY' }))).toBe('level');
    expect(createCertificatePayload({ ...skill, number: 'ZX-1', kind: 'SPECIAL_ABILITY', level: null }).levelName).toBeNull();
  });
});

describe('parseCanonicalPayload', () => {
  const canonical = canonicalPayloadString(createCertificatePayload(skill));

  it.each([
    ['whitespace', canonical.replace('"v":1,', '"v": 1,')],
    ['reordered keys', canonical.replace('{"v":1,"number":"S123414141002264000123"', '{"number":"S123414141002264000123","v":1')],
    ['an unknown field', canonical.replace('}', ',"extra":1}')],
    ['a duplicate key', canonical.replace('"holderName":"欧阳 明轩"', '"holderName":"张三","holderName":"欧阳 明轩"')],
    ['version 2', canonical.replace('"v":1', '"v":2')],
    ['a missing field', canonical.replace(',"issuedOn":"2026-11-22"', '')],
    ['a number where a string belongs', canonical.replace('"issuerCode":"12141000MB1234567X"', '"issuerCode":12141000')],
    ['escaped non-ASCII', canonical.replace('养', '\\u517b')],
    ['not JSON', '{"v":1'],
  ])('rejects %s', (_, text) => {
    expect(() => parseCanonicalPayload(enc(text))).toThrow(PayloadFormatError);
  });

  it('rejects invalid UTF-8', () => {
    const bytes = enc(canonical);
    bytes[60] = 0xff;
    expect(() => parseCanonicalPayload(bytes)).toThrow(PayloadFormatError);
  });
});
