import { create } from 'qrcode';
import { qrModules } from '../src/qr.ts';
let same = 0; let diff = 0;
for (let i = 0; i < 200; i++) {
  const content = `https://vtc.example.gov.cn/verify/S${i}#` + Buffer.from(String(Math.sin(i)).repeat(20 + (i % 30))).toString('base64url') + '.abc.k1';
  const ref = create([{ data: content, mode: 'byte' }], { errorCorrectionLevel: 'M' });
  const mine = qrModules(content);
  if (Buffer.from(ref.modules.data).equals(Buffer.from(mine.data)) && ref.maskPattern === mine.maskPattern) same++; else { diff++; console.log('diff', i, ref.maskPattern, mine.maskPattern); }
}
console.log({ same, diff });
const c = 'https://vtc.linfen.gov.cn/verify/S123414141002264000123#' + 'x'.repeat(540) + '.sig.key';
let t = performance.now(); for (let i = 0; i < 300; i++) qrModules(c); console.log('mine ms', ((performance.now() - t) / 300).toFixed(2));
t = performance.now(); for (let i = 0; i < 300; i++) create([{ data: c, mode: 'byte' }], { errorCorrectionLevel: 'M' }); console.log('qrcode ms', ((performance.now() - t) / 300).toFixed(2));
