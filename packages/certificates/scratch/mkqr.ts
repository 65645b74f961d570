import { writeFileSync } from 'node:fs';
import { createCertificatePayload, signerFromSeed, signPayload, encodeQrContent } from '../src/index.ts';
const signer = signerFromSeed(Buffer.alloc(32, 3).toString('base64'), 'vtc-2026-01');
writeFileSync('/tmp/public-key.json', JSON.stringify(signer.publicKey));
const payload = createCertificatePayload({ number: 'S123414141002264000123', kind: 'SKILL_LEVEL', holderName: '欧阳明轩', holderResidentId: '141002199001011234', occupationCode: '4-10-01-05', occupationName: '养老护理员', level: 'LEVEL_4', issuerName: '临汾市职业技能鉴定指导中心', issuerCode: '12141000MB1234567X', issuedOn: '2026-11-22' });
const s = signPayload(payload, signer);
console.log(encodeQrContent({ baseUrl: 'https://vtc.linfen.gov.cn', number: payload.number, canonical: s.canonical, signature: s.signature }));
