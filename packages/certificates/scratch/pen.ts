import { readFileSync } from 'node:fs';
import { qrModules } from '../src/qr.ts';
const src = readFileSync('/tmp/pen.txt', 'utf8').replace(/: Uint8Array|: number(?=[,)])|\): number|!/g, (x) => (x.startsWith(')') ? ')' : x === '!' ? '' : ''));
const qrPenalty = new Function(`${src}; return qrPenalty;`)();
const c = 'https://vtc.linfen.gov.cn/verify/S123414141002264000123#' + Buffer.from('x'.repeat(400)+Math.random()).toString('base64url') + '.sig.key';
const m = qrModules(c);
for (let k = 0; k < 3; k++) { const t = performance.now(); let s = 0; for (let i = 0; i < 4000; i++) s += qrPenalty(m.data, m.size, Infinity); console.log('penalty us', ((performance.now() - t) / 4000 * 1000).toFixed(1), s); }
