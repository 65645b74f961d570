import { writeFileSync } from 'node:fs';
import { createCertificatePayload, signerFromSeed, signPayload, renderCertificatePdf } from '../src/index.ts';
const signer = signerFromSeed(Buffer.alloc(32, 3).toString('base64'), 'vtc-2026-01');
const common = { holderName: '𠮷田丽', holderResidentId: '141002199001011234', occupationCode: '4-10-01-05', occupationName: '养老护理员', issuerName: '河源市人力资源和社会保障局河源市人力资源服务产业园职业技能等级认定评价中心', issuerCode: '12141000MB1234567X', issuedOn: '2026-11-22' };
const a = createCertificatePayload({ ...common, kind: 'TRAINING_COMPLETION', number: 'JY-141002-2026-000042', classCode: 'PX-141002-2026-0001', className: '养老护理员就业技能培训班', trainingHours: 120, trainingStartOn: '2026-09-01', trainingEndOn: '2026-10-30' } as never);
const b = createCertificatePayload({ ...common, holderName: '买买提·艾力', kind: 'COMPETITION_AWARD', number: 'JS-141000-2026-000003', level: 'LEVEL_2', competitionName: '2026年临汾市“临汾技工”养老护理职业技能竞赛', award: 'GOLD', rank: 1 } as never);
for (const [n, p] of [['a', a], ['b', b]] as const) writeFileSync(`/tmp/kind-${n}.pdf`, await renderCertificatePdf(p, signPayload(p, signer).signature, { baseUrl: 'https://vtc.heyuan.gov.cn' }));
