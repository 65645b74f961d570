import { create } from 'qrcode';
import { qrModules } from '../src/qr.ts';
const c = 'https://vtc.linfen.gov.cn/verify/S123414141002264000123#' + Buffer.from('x'.repeat(400)+Math.random()).toString('base64url') + '.sig.key';
for (let k = 0; k < 3; k++) {
let t = performance.now(); for (let i = 0; i < 500; i++) create([{ data: c, mode: 'byte' }], { errorCorrectionLevel: 'M', maskPattern: 0 }); console.log('create0 ms', ((performance.now() - t) / 500).toFixed(2));
t = performance.now(); for (let i = 0; i < 500; i++) qrModules(c); console.log('mine ms', ((performance.now() - t) / 500).toFixed(2));
t = performance.now(); for (let i = 0; i < 500; i++) create([{ data: c, mode: 'byte' }], { errorCorrectionLevel: 'M' }); console.log('qrcode ms', ((performance.now() - t) / 500).toFixed(2));
}
