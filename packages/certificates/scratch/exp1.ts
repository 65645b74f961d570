import PDFDocument from 'pdfkit';
import * as fontkit from 'fontkit';
import { readFileSync } from 'node:fs';

const FONTS: Record<string, [string, string]> = {
  notoSerif: ['/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc', 'NotoSerifCJKsc-Regular'],
  notoSans: ['/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc', 'NotoSansCJKsc-Regular'],
  wqy: ['/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc', 'WenQuanYiZenHei'],
};
const names = ['张伟', '王芳', '李娜', '刘洋', '陈静', '杨磊', '赵敏', '黄勇', '周杰', '吴霞', '欧阳明轩', '司马晓燕'];
const occs = ['育婴员', '养老护理员', '中式烹调师', '电工', '焊工', '家政服务员', '美容师', '保育师', '茶艺师', '汽车维修工'];

function render(font: unknown, i: number): Promise<Buffer> {
  const doc = new PDFDocument({ size: 'A4', layout: 'landscape', info: { CreationDate: new Date(0) } as never });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const p = new Promise<Buffer>((r) => doc.on('end', () => r(Buffer.concat(chunks))));
  doc.font(font as never);
  doc.fontSize(36).text('职业技能等级证书', 50, 60, { align: 'center' });
  doc.fontSize(16);
  doc.text(`姓名：${names[i % names.length]}`, 100, 160);
  doc.text('身份证号：141002********1234', 100, 190);
  doc.text(`职业（工种）：${occs[i % occs.length]} 4-10-01-05`, 100, 220);
  doc.text('等级：中级工（四级）', 100, 250);
  doc.text('评价机构：临汾市职业技能鉴定中心', 100, 280);
  doc.text('发证日期：2026年11月22日', 100, 310);
  doc.text(`证书编号：S1234141410022641${String(i).padStart(5, '0')}`, 100, 340);
  doc.fontSize(8).text('本证书经数字签名，可通过扫描二维码或访问公共核验页面验证。签名密钥：vtc-2026-01', 100, 500);
  doc.end();
  return p;
}

import { TrueTypeFont } from '../src/truetype.ts';
const mode = process.argv[2]!;
const n = Number(process.argv[3] ?? 50);
const fontName = process.argv[4] ?? 'notoSerif';
const [path, ps] = FONTS[fontName]!;
const buf = readFileSync(path);
let shared: unknown;
let t0 = performance.now();
if (mode === 'shared') shared = fontkit.create(buf, ps);
if (mode === 'tt') shared = new TrueTypeFont(buf, ps);
console.log('parse ms', (performance.now() - t0).toFixed(1));
t0 = performance.now();
let max = 0;
for (let i = 0; i < n; i++) {
  const src = mode === 'helvetica' ? 'Helvetica' : mode === 'buffer' ? null : shared;
  let out: Buffer;
  if (mode === 'buffer') {
    out = await render(fontkit.create(buf, ps), i);
  } else out = await render(src, i);
  max = Math.max(max, out.length); if (i === 0) (await import('node:fs')).writeFileSync('/tmp/'+mode+'.pdf', out);
}
const s = (performance.now() - t0) / 1000;
console.log(mode, fontName, 'docs/s', (n / s).toFixed(1), 'max KB', (max / 1024).toFixed(1), 'rss', (process.memoryUsage().rss / 1e6).toFixed(0));
