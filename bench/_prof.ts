import { configWith } from '@vtc/config';
import { encryptIdNumber, idNumberHash, piiKeysFrom, parseRosterCsv, sealImportFile } from '@vtc/core';
import { DEFAULT_TRAINING_RULES, makeResidentId, maskResidentId, validateRosterRows } from '@vtc/domain';
import { createHash } from 'node:crypto';
const keys = piiKeysFrom(configWith({}));
const lines = ['姓名,身份证号,手机号,户籍类型,重点群体'];
for (let i = 0; i < 100000; i++) {
  const day = new Date(Date.UTC(1975, 0, 1) + Math.floor(i / 1000) * 86_400_000 * 97).toISOString().slice(0, 10);
  lines.push(`王伟伟,${makeResidentId({ regionCode: '141002', birthDate: day, sequence: i % 1000 })},13800001234,农村,农民工`);
}
const file = Buffer.from(lines.join('\r\n'));
let t = performance.now();
const lap = (l: string) => { const n = performance.now(); console.log(l, (n - t).toFixed(0), 'ms'); t = n; };
createHash('sha256').update(file).digest('hex'); lap('sha');
sealImportFile(keys, 'x', file); lap('seal');
const parsed = parseRosterCsv(file); lap('parse');
const out = validateRosterRows(parsed.rows, { today: new Date(), rules: DEFAULT_TRAINING_RULES, on: '2026-12-01' }); lap('validate');
const ids = out.map((o) => (o.ok ? o.value.idNumber : ''));
for (const id of ids) idNumberHash(keys, id); lap('hash');
for (const id of ids) encryptIdNumber(keys, id); lap('encrypt');
for (const id of ids) maskResidentId(id); lap('mask');
