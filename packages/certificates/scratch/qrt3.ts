import { qrModules } from '../src/qr.ts';
const c = 'https://vtc.linfen.gov.cn/verify/S123414141002264000123#' + Buffer.from('x'.repeat(400)+Math.random()).toString('base64url') + '.sig.key';
for (let k = 0; k < 3; k++) { const t = performance.now(); for (let i = 0; i < 2000; i++) qrModules(c); console.log('ms', ((performance.now() - t) / 2000).toFixed(3)); }
