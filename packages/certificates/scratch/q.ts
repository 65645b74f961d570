import * as QRCode from 'qrcode';
import { create } from 'qrcode';
const qr = create('https://vtc.example.gov.cn/verify/S1234', { errorCorrectionLevel: 'M' });
console.log(qr.version, qr.modules.size, typeof QRCode.toString);
