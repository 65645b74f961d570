import { createCertificatePayload, signerFromSeed, signPayload, encodeQrContent, qrModules } from '../src/index.ts';
const signer = signerFromSeed(Buffer.alloc(32, 3).toString('base64'), 'vtc-2026-01');
const base = { holderResidentId: '141002199001011234', occupationCode: '4-10-01-05', issuedOn: '2026-11-22', issuerCode: '12141000MB1234567X' };
const cases: Record<string, object> = {
  typical_skill: { ...base, holderName: '欧阳明轩', occupationName: '养老护理员', issuerName: '临汾市职业技能鉴定指导中心', kind: 'SKILL_LEVEL', number: 'S123414141002264000123', level: 'LEVEL_4' },
  typical_training: { ...base, holderName: '张伟', occupationName: '养老护理员', issuerName: '临汾市职业技能鉴定指导中心', kind: 'TRAINING_COMPLETION', number: 'JY-141002-2026-000042', classCode: 'PX-141002-2026-0001', className: '养老护理员就业技能培训班', trainingHours: 120, trainingStartOn: '2026-09-01', trainingEndOn: '2026-10-30' },
  worst: { ...base, holderName: '名'.repeat(50), occupationName: '职'.repeat(60), issuerName: '机'.repeat(60), kind: 'COMPETITION_AWARD', number: 'J'.repeat(40), competitionName: '赛'.repeat(80), award: 'MERIT', rank: 99999, level: 'LEVEL_1', occupationCode: '6-18-02-04-01-XXXXXXXXXX', issuerCode: 'X'.repeat(24) },
};
for (const [k, c] of Object.entries(cases)) {
  const p = createCertificatePayload(c as never); const s = signPayload(p, signer);
  const q = encodeQrContent({ baseUrl: 'https://vtc.example.gov.cn', number: p.number, canonical: s.canonical, signature: s.signature });
  const m = qrModules(q);
  console.log(k, 'payload bytes', s.canonical.length, 'qr chars', q.length, 'version', m.version, 'modules', m.size, 'mm/module at 53mm', (52.9 / (m.size)).toFixed(2));
}
