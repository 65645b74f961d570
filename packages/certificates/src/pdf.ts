import PDFDocument from 'pdfkit';
import type { SkillLevel } from '@vtc/domain';
import { type CertificateFonts, loadCertificateFonts } from './fonts.ts';
import { CERTIFICATE_TITLES, type CertificatePayload, canonicalPayload } from './payload.ts';
import { encodeQrContent, qrModules, qrPathOperators, verificationUrl } from './qr.ts';
import type { CertificateSignature } from './signing.ts';

/**
 * The certificate PDF: A4 landscape, every field of the signed payload, the QR code (verification
 * URL + signed payload) and the key id in the small print.
 *
 * Deterministic: pdfkit derives the document /ID from the info dictionary (md5 of its values),
 * so fixing CreationDate/ModDate (the issue date, 00:00 Asia/Shanghai) fixes the ID too; the font
 * subset tag comes from the font's resource name (F1, F2 …), glyph order from first use, and
 * Ed25519 signatures are deterministic. Two renders of the same input are byte-identical
 * (pdf.test.ts), in one process or across processes.
 *
 * Speed: the fonts are parsed once (fonts.ts); all text is placed with `lineBreak: false`, which
 * skips pdfkit's line wrapper (Unicode line breaking of each string), and long values are shrunk
 * to fit instead of wrapped; the QR code is drawn as filled rectangles written straight into the
 * content stream. The CJK document is created without pdfkit's default Helvetica, which would
 * otherwise be parsed from its AFM file for every document (19 % of the time of a text-only
 * CJK render in the profile).
 */

export interface RenderOptions {
  /** Public base URL of the verification page, e.g. `https://vtc.example.gov.cn`. */
  baseUrl: string;
  /** From loadCertificateFonts() at start-up; loaded (once per process) when omitted. */
  fonts?: CertificateFonts;
}

const PAGE_W = 841.89;
const PAGE_H = 595.28;

/** Where the QR code is printed, in PDF points from the top-left corner: 150 pt = 53 mm square. */
export const CERTIFICATE_QR_BOX = Object.freeze({ x: PAGE_W - 80 - 150, y: 150, size: 150 });
const RED = '#8b1a1a';
const INK = '#1a1a1a';
const GREY = '#555555';

const LEVEL_GRADE: Record<SkillLevel, string> = {
  LEVEL_5: '五级',
  LEVEL_4: '四级',
  LEVEL_3: '三级',
  LEVEL_2: '二级',
  LEVEL_1: '一级',
};

interface Line {
  label: string;
  value: string;
}

interface Template {
  title: string;
  subtitle: string;
  lines: Line[];
  statement: string;
  scanHint: string;
  smallPrint: string;
}

function zhDate(d: string): string {
  return `${d.slice(0, 4)}年${d.slice(5, 7)}月${d.slice(8, 10)}日`;
}

/** Everything printed, derived only from the signed payload, the signature's key id and the base URL. */
function chineseTemplate(p: CertificatePayload, keyId: string, url: string): Template {
  const level = p.level ? `${p.levelName}（${LEVEL_GRADE[p.level]}）` : null;
  const lines: Line[] = [
    { label: '姓　　名', value: p.holderName },
    { label: '身份证号', value: p.holderIdMasked },
  ];
  let statement: string;
  switch (p.kind) {
    case 'SKILL_LEVEL':
      lines.push(
        { label: '职业（工种）', value: `${p.occupationName}（${p.occupationCode}）` },
        { label: '技能等级', value: level ?? '' },
      );
      statement = `经评价认定，该同志达到${p.occupationName}${level ?? ''}职业技能水平，特发此证。`;
      break;
    case 'SPECIAL_ABILITY':
      lines.push({ label: '专项职业能力', value: `${p.occupationName}（${p.occupationCode}）` });
      statement = `经考核合格，该同志具备${p.occupationName}专项职业能力，特发此证。`;
      break;
    case 'TRAINING_COMPLETION':
      lines.push(
        { label: '培训职业', value: `${p.occupationName}（${p.occupationCode}）${level ? ` ${level}` : ''}` },
        { label: '培训班', value: p.className ? `${p.className}（${p.classCode}）` : (p.classCode ?? '') },
        {
          label: '培训时间',
          value: `${zhDate(p.trainingStartOn ?? '')}至${zhDate(p.trainingEndOn ?? '')}，共${p.trainingHours}学时`,
        },
      );
      statement = '该同志完成上述培训，经考核成绩合格，准予结业。';
      break;
    case 'COMPETITION_AWARD':
      lines.push(
        { label: '竞赛名称', value: p.competitionName ?? '' },
        { label: '竞赛职业', value: `${p.occupationName}（${p.occupationCode}）` },
        { label: '获奖等次', value: `${p.awardName ?? ''}${p.rank ? `（第${p.rank}名）` : ''}` },
      );
      if (level) lines.push({ label: '晋升等级', value: level });
      statement = '该同志在上述竞赛中成绩优异，特发此证，以资鼓励。';
      break;
  }
  lines.push(
    { label: '发证机构', value: p.issuerName },
    { label: '机构代码', value: p.issuerCode },
    { label: '发证日期', value: zhDate(p.issuedOn) },
    { label: '证书编号', value: p.number },
  );
  return {
    title: CERTIFICATE_TITLES[p.kind].zh,
    subtitle: CERTIFICATE_TITLES[p.kind].en,
    lines,
    statement,
    scanHint: '扫码核验 Scan to verify',
    smallPrint: `本证书所载信息经数字签名（Ed25519，密钥编号 ${keyId}），可扫描二维码离线核验签名，或访问 ${url} 查询证书状态。`,
  };
}

/**
 * The same layout with English labels, for the Helvetica baseline of the benchmark (the
 * built-in Latin fonts cannot draw Chinese: give it a payload with Latin-1 text).
 */
function latinTemplate(p: CertificatePayload, keyId: string, url: string): Template {
  const level = p.level ? `${p.level.replace('LEVEL_', 'Level ')}` : null;
  const lines: Line[] = [
    { label: 'Name', value: p.holderName },
    { label: 'ID number', value: p.holderIdMasked },
    { label: 'Occupation', value: `${p.occupationName} (${p.occupationCode})` },
  ];
  if (level) lines.push({ label: 'Skill level', value: level });
  if (p.classCode) lines.push({ label: 'Class', value: p.classCode });
  if (p.competitionName) lines.push({ label: 'Competition', value: `${p.competitionName} ${p.award ?? ''}` });
  lines.push(
    { label: 'Issued by', value: p.issuerName },
    { label: 'Issuer code', value: p.issuerCode },
    { label: 'Issued on', value: p.issuedOn },
    { label: 'Number', value: p.number },
  );
  return {
    title: CERTIFICATE_TITLES[p.kind].en,
    subtitle: CERTIFICATE_TITLES[p.kind].en.toUpperCase(),
    lines,
    statement: 'The holder has met the standard assessed and is awarded this certificate.',
    scanHint: 'Scan to verify',
    smallPrint: `The data on this certificate is digitally signed (Ed25519, key ${keyId}); scan the QR code to check the signature offline, or visit ${url} for its status.`,
  };
}

type FontPicker = (doc: PDFKit.PDFDocument, text: string) => void;

function collect(doc: PDFKit.PDFDocument): Promise<Buffer> {
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  return new Promise((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
}

/** Writes text at (x, y) on one line, shrinking the size until it fits `maxWidth`. */
function fitText(
  doc: PDFKit.PDFDocument,
  pick: FontPicker,
  text: string,
  x: number,
  y: number,
  size: number,
  maxWidth: number,
  options: { align?: 'left' | 'center'; characterSpacing?: number } = {},
): void {
  pick(doc, text);
  const spacing = options.characterSpacing ?? 0;
  doc.fontSize(size);
  let width = doc.widthOfString(text, { characterSpacing: spacing });
  if (width > maxWidth) {
    const s = Math.max(6, (size * maxWidth) / width);
    doc.fontSize(s);
    width = doc.widthOfString(text, { characterSpacing: spacing });
  }
  const left = options.align === 'center' ? x + (maxWidth - width) / 2 : x;
  doc.text(text, left, y, { lineBreak: false, characterSpacing: spacing });
}

function draw(doc: PDFKit.PDFDocument, pick: FontPicker, t: Template, qrContent: string): void {
  // Frame.
  doc.lineWidth(3).strokeColor(RED).rect(22, 22, PAGE_W - 44, PAGE_H - 44).stroke();
  doc.lineWidth(0.8).rect(30, 30, PAGE_W - 60, PAGE_H - 60).stroke();

  doc.fillColor(RED);
  fitText(doc, pick, t.title, 60, 62, 32, PAGE_W - 120, { align: 'center', characterSpacing: 6 });
  doc.fillColor(GREY);
  fitText(doc, pick, t.subtitle, 60, 106, 11, PAGE_W - 120, { align: 'center', characterSpacing: 1 });

  // Fields.
  const labelX = 80;
  const valueX = 200;
  const valueWidth = 410;
  const top = 146;
  const step = Math.min(32, 300 / t.lines.length);
  t.lines.forEach((line, i) => {
    const y = top + i * step;
    doc.fillColor(GREY);
    fitText(doc, pick, line.label, labelX, y + 1, 13, valueX - labelX - 10);
    doc.fillColor(INK);
    fitText(doc, pick, line.value, valueX, y, 15, valueWidth);
  });
  doc.fillColor(INK);
  fitText(doc, pick, t.statement, labelX, top + t.lines.length * step + 10, 13, 540);

  // QR code: drawn as rectangles in module units.
  const modules = qrModules(qrContent);
  const { x: qrX, y: qrY, size: qrSize } = CERTIFICATE_QR_BOX;
  const scale = qrSize / modules.size;
  doc.save();
  doc.fillColor('#000000');
  doc.transform(scale, 0, 0, scale, qrX, qrY);
  doc.addContent(qrPathOperators(modules));
  doc.addContent('f');
  doc.restore();
  doc.fillColor(GREY);
  fitText(doc, pick, t.scanHint, qrX, qrY + qrSize + 8, 9, qrSize, { align: 'center' });

  // Small print: key id and the online address.
  fitText(doc, pick, t.smallPrint, 50, PAGE_H - 62, 7.5, PAGE_W - 100, { align: 'center' });
}

function pdfDate(issuedOn: string): Date {
  return new Date(`${issuedOn}T00:00:00+08:00`);
}

function newDocument(p: CertificatePayload, title: string, font: string | null): PDFKit.PDFDocument {
  const date = pdfDate(p.issuedOn);
  return new PDFDocument({
    size: 'A4',
    layout: 'landscape',
    margin: 0,
    lang: 'zh-CN',
    displayTitle: true,
    // null: no default font to load (the CJK path registers its own). Typed as string in @types/pdfkit.
    font: font as string,
    info: {
      Title: `${title} ${p.number}`,
      Author: p.issuerName,
      Creator: 'VTC',
      Producer: 'VTC certificates (PDFKit)',
      CreationDate: date,
      ModDate: date,
    },
  });
}

function chooseFonts(template: Template, fonts: CertificateFonts): Map<string, ReturnType<CertificateFonts['fontFor']>> {
  const texts = [template.title, template.subtitle, template.statement, template.scanHint, template.smallPrint];
  for (const l of template.lines) texts.push(l.label, l.value);
  const choice = new Map<string, ReturnType<CertificateFonts['fontFor']>>();
  for (const s of texts) if (!choice.has(s)) choice.set(s, fonts.fontFor(s));
  return choice;
}

/**
 * Throws CertificateFontError (with `missing`, the characters) when some printed text of this
 * payload cannot be drawn with the fonts: call it when issuing, before the render job, so a
 * name with a character no installed font has is reported to the clerk instead of failing a job.
 */
export function assertPrintable(payload: CertificatePayload, fonts: CertificateFonts = loadCertificateFonts()): void {
  chooseFonts(chineseTemplate(payload, 'k', 'https://x/verify/x'), fonts);
}

function qrContentFor(p: CertificatePayload, signature: CertificateSignature, baseUrl: string): string {
  return encodeQrContent({ baseUrl, number: p.number, canonical: canonicalPayload(p), signature });
}

/**
 * Renders the certificate PDF. `signature` must be the signature of `canonicalPayload(payload)`
 * (signPayload); it is carried, not checked, here. Throws CertificateFontError when no font
 * can draw a printed character.
 */
export async function renderCertificatePdf(
  payload: CertificatePayload,
  signature: CertificateSignature,
  options: RenderOptions,
): Promise<Buffer> {
  const fonts = options.fonts ?? loadCertificateFonts();
  const url = verificationUrl(options.baseUrl, payload.number);
  const template = chineseTemplate(payload, signature.keyId, url);
  const qr = qrContentFor(payload, signature, options.baseUrl);
  // Pick fonts for every text before creating the document, so a missing glyph fails cleanly.
  const choice = chooseFonts(template, fonts);
  const doc = newDocument(payload, template.title, null);
  const out = collect(doc);
  const registered = new Set<number>();
  let current = -1;
  const pick: FontPicker = (d, s) => {
    const { font, index: i } = choice.get(s) ?? fonts.fontFor(s);
    if (i === current) return;
    if (!registered.has(i)) {
      // pdfkit 0.20 PDFFontFactory.open: an object with a `layout` method is used as the font itself.
      d.registerFont(`cjk${i}`, font.source as PDFKit.Mixins.PDFFontSource);
      registered.add(i);
    }
    d.font(`cjk${i}`);
    current = i;
  };
  draw(doc, pick, template, qr);
  doc.end();
  return out;
}

/**
 * Benchmark baseline only: the same layout and QR code drawn with pdfkit's built-in Helvetica and
 * English labels. The payload's text must be Latin-1 (Helvetica cannot draw Chinese).
 */
export async function renderLatinBaselinePdf(
  payload: CertificatePayload,
  signature: CertificateSignature,
  options: Pick<RenderOptions, 'baseUrl'>,
): Promise<Buffer> {
  const url = verificationUrl(options.baseUrl, payload.number);
  const template = latinTemplate(payload, signature.keyId, url);
  const doc = newDocument(payload, template.title, 'Helvetica');
  const out = collect(doc);
  draw(doc, () => {}, template, qrContentFor(payload, signature, options.baseUrl));
  doc.end();
  return out;
}
