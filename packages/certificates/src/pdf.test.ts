import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';
import { type CertificateFont, CertificateFontError, CertificateFonts, bundledFontPath, loadCertificateFonts } from './fonts.ts';
import { type CertificatePayloadInput, createCertificatePayload } from './payload.ts';
import { CERTIFICATE_QR_BOX, assertPrintable, renderCertificatePdf } from './pdf.ts';
import { encodeQrContent, qrModules } from './qr.ts';
import { signPayload, signerFromSeed } from './signing.ts';
import { pdfText, rasterizePdf } from './testing.ts';
import { verifyQrContent } from './verify.ts';

// Needs no system font and no poppler-utils: the font comes with `npm install` (Noto Sans SC) and
// the PDFs are read back with pdf.js (testing.ts). The tests of system fonts run only where
// Debian's fonts-noto-cjk is installed (its CFF outlines take pdfkit's fontkit path).
const BASE = 'https://vtc.linfen.gov.cn';
const NOTO_SERIF = '/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc';
const withSystemNoto = existsSync(NOTO_SERIF) ? it : it.skip;
const REGULAR = bundledFontPath()!;
const BOLD = path.join(path.dirname(REGULAR), '../700Bold/NotoSansSC_700Bold.ttf');
const signer = signerFromSeed(Buffer.alloc(32, 5).toString('base64'), 'vtc-2026-01');
const fonts = loadCertificateFonts();

const common = {
  holderName: '欧阳明轩',
  holderResidentId: '141002199001011234',
  occupationCode: '4-10-01-05',
  occupationName: '养老护理员',
  issuerName: '临汾市职业技能鉴定指导中心',
  issuerCode: '12141000MB1234567X',
  issuedOn: '2026-11-22',
} as const;

const KINDS: Record<string, CertificatePayloadInput> = {
  SKILL_LEVEL: { ...common, kind: 'SKILL_LEVEL', number: 'S123414141002264000123', level: 'LEVEL_4' },
  SPECIAL_ABILITY: { ...common, kind: 'SPECIAL_ABILITY', number: 'ZX-141002-2026-000007', occupationName: '紫阳修脚', occupationCode: 'S-141002-01' },
  TRAINING_COMPLETION: {
    ...common,
    kind: 'TRAINING_COMPLETION',
    number: 'JY-141002-2026-000042',
    classCode: 'PX-141002-2026-0001',
    className: '养老护理员就业技能培训班',
    trainingHours: 120,
    trainingStartOn: '2026-09-01',
    trainingEndOn: '2026-10-30',
  },
  COMPETITION_AWARD: {
    ...common,
    kind: 'COMPETITION_AWARD',
    number: 'JS-141000-2026-000003',
    level: 'LEVEL_2',
    competitionName: '2026年临汾市“临汾技工”养老护理职业技能竞赛',
    award: 'GOLD',
    rank: 1,
  },
};

async function render(input: CertificatePayloadInput, f = fonts) {
  const payload = createCertificatePayload(input);
  const { signature, canonical } = signPayload(payload, signer);
  const pdf = await renderCertificatePdf(payload, signature, { baseUrl: BASE, fonts: f });
  const qr = encodeQrContent({ baseUrl: BASE, number: payload.number, canonical, signature });
  return { payload, pdf, qr };
}

describe('renderCertificatePdf', () => {
  it.each(Object.keys(KINDS))('prints every field of a %s certificate, read back with pdf.js', async (kind) => {
    const { payload, pdf } = await render(KINDS[kind]!);
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    const text = await pdfText(pdf);
    const title = { SKILL_LEVEL: '职业技能等级证书', SPECIAL_ABILITY: '专项职业能力证书', TRAINING_COMPLETION: '培训结业证书', COMPETITION_AWARD: '竞赛获奖证书' }[kind]!;
    expect(text).toContain(title);
    for (const value of [payload.holderName, '141002********1234', payload.occupationName, payload.occupationCode, payload.issuerName, payload.issuerCode, '2026年11月22日', payload.number, 'vtc-2026-01']) {
      expect(text).toContain(value);
    }
    expect(text).not.toContain('199001011234');
    if (payload.levelName) expect(text).toContain(payload.levelName);
    if (kind === 'SKILL_LEVEL') expect(text).toContain('中级工（四级）');
    if (kind === 'TRAINING_COMPLETION') {
      for (const v of ['PX-141002-2026-0001', '养老护理员就业技能培训班', '120学时', '2026年09月01日至2026年10月30日']) expect(text).toContain(v);
    }
    if (kind === 'COMPETITION_AWARD') for (const v of ['金奖', '第1名', '技师（二级）', '“临汾技工”']) expect(text).toContain(v);
    expect(text).toContain(`${BASE}/verify/${payload.number}`);
    expect(pdf.length).toBeLessThan(150 * 1024);
  });

  it('prints a QR code that carries the signed payload and verifies offline', async () => {
    const { pdf, qr, payload } = await render(KINDS.SKILL_LEVEL!);
    expect(verifyQrContent(qr, [signer.publicKey])).toMatchObject({ status: 'VALID', payload });
    // Sample the centre of every module of the printed symbol and compare with the expected symbol.
    const dpi = 288; // 4 px per point
    const { width, pixels } = await rasterizePdf(pdf, dpi);
    const m = qrModules(qr);
    const px = dpi / 72;
    const module = CERTIFICATE_QR_BOX.size / m.size;
    let wrong = 0;
    for (let r = 0; r < m.size; r++) {
      for (let c = 0; c < m.size; c++) {
        const x = Math.floor((CERTIFICATE_QR_BOX.x + (c + 0.5) * module) * px);
        const y = Math.floor((CERTIFICATE_QR_BOX.y + (r + 0.5) * module) * px);
        if ((pixels[y * width + x]! < 128) !== m.dark(r, c)) wrong++;
      }
    }
    expect(wrong).toBe(0);
    // Quiet zone: 4 modules of white around the symbol.
    for (let k = 1; k <= 4; k++) {
      const y = Math.floor((CERTIFICATE_QR_BOX.y - (k - 0.5) * module) * px);
      for (let c = 0; c < m.size; c++) {
        const x = Math.floor((CERTIFICATE_QR_BOX.x + (c + 0.5) * module) * px);
        expect(pixels[y * width + x]!).toBeGreaterThan(200);
      }
    }
  });

  it('renders byte-identical PDFs for the same input, in this process and in another one', async () => {
    const a = await render(KINDS.TRAINING_COMPLETION!);
    const b = await render(KINDS.TRAINING_COMPLETION!);
    expect(a.pdf.equals(b.pdf)).toBe(true);
    const other = await render({ ...KINDS.TRAINING_COMPLETION!, holderName: '张伟' });
    expect(other.pdf.equals(a.pdf)).toBe(false);

    const here = path.dirname(fileURLToPath(import.meta.url));
    const script = `
      import { createCertificatePayload, signPayload, signerFromSeed, renderCertificatePdf } from ${JSON.stringify(path.join(here, 'index.ts'))};
      const signer = signerFromSeed(Buffer.alloc(32, 5).toString('base64'), 'vtc-2026-01');
      const payload = createCertificatePayload(${JSON.stringify(KINDS.TRAINING_COMPLETION)});
      const pdf = await renderCertificatePdf(payload, signPayload(payload, signer).signature, { baseUrl: ${JSON.stringify(BASE)} });
      process.stdout.write(pdf.toString('base64'));`;
    const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      encoding: 'utf8',
      maxBuffer: 16 << 20,
    });
    expect(child.stderr).toBe('');
    expect(Buffer.from(child.stdout, 'base64').equals(a.pdf)).toBe(true);
  });

  it('fixes the dates and the document ID from the issue date', async () => {
    const { pdf } = await render(KINDS.SKILL_LEVEL!);
    const raw = pdf.toString('latin1');
    // 2026-11-22 00:00 Asia/Shanghai; pdfkit writes the info values as indirect string objects.
    const ref = (key: string) => new RegExp(`/${key} (\\d+) 0 R`).exec(raw)?.[1];
    expect(raw).toContain(`\n${ref('CreationDate')} 0 obj\n(D:20261121160000Z)`);
    expect(raw).toContain(`\n${ref('ModDate')} 0 obj\n(D:20261121160000Z)`);
    expect(raw).toMatch(/\/ID \[<[0-9a-f]{32}> <[0-9a-f]{32}>\]/);
  });

  it('stays under 150 KB with the longest fields', async () => {
    const long = {
      ...KINDS.COMPETITION_AWARD!,
      holderName: '买买提·艾力买买提·艾力',
      issuerName: '河源市人力资源和社会保障局河源市人力资源服务产业园职业技能等级认定评价中心',
      competitionName: '2026年河源市“粤菜师傅”“广东技工”“南粤家政”三项工程暨乡村振兴农业技术技能职业技能竞赛',
    };
    const { pdf } = await render(long);
    expect(pdf.length).toBeLessThan(150 * 1024);
    const text = await pdfText(pdf);
    for (const v of ['三项工程', '买买提·艾力买买提·艾力', '产业园职业技能等级认定评价中心']) expect(text).toContain(v);
  });

  it('draws the texts the first font lacks with a fallback font', async () => {
    // The first font here is the bundled Regular told that it lacks 轩 and 明; the fallback is the Bold weight.
    const regular = loadCertificateFonts({ fonts: [REGULAR] }).primary;
    const lacking: CertificateFont = {
      ...regular,
      source: regular.source,
      missingCharacters: (t) => [...regular.missingCharacters(t), ...[...'轩明'].filter((c) => t.includes(c))],
    };
    const bold = loadCertificateFonts({ fonts: [BOLD] }).primary;
    const two = new CertificateFonts([() => lacking, () => bold], 'test');
    const { pdf } = await render(KINDS.SKILL_LEVEL!, two);
    const raw = pdf.toString('latin1');
    expect(raw).toMatch(/\/BaseFont \/[A-Z]{6}\+NotoSansSC-Regular/);
    expect(raw).toMatch(/\/BaseFont \/[A-Z]{6}\+NotoSansSC-Bold/);
    const text = await pdfText(pdf);
    for (const v of ['欧阳明轩', '职业技能等级证书', '养老护理员']) expect(text).toContain(v);
  });

  withSystemNoto('with Debian fonts-noto-cjk: draws 𠮷 (which Noto Sans SC lacks) with it, and renders with its CFF outlines', async () => {
    const { pdf } = await render({ ...KINDS.SKILL_LEVEL!, holderName: '𠮷田丽' });
    const raw = pdf.toString('latin1');
    expect(raw).toContain('+NotoSansSC-Regular');
    expect(raw).toMatch(/\+NotoS(?:ans|erif)CJKsc-Regular/);
    expect(await pdfText(pdf)).toContain('𠮷田丽');
    const noto = loadCertificateFonts({ fonts: [NOTO_SERIF] });
    expect(noto.primary.outlines).toBe('cff');
    expect(noto.primary.postscriptName).toBe('NotoSerifCJKsc-Regular');
    const withNoto = await render(KINDS.SKILL_LEVEL!, noto);
    expect(withNoto.pdf.length).toBeLessThan(150 * 1024);
    expect(withNoto.pdf.toString('latin1')).toContain('+NotoSerifCJKsc-Regular');
    expect(await pdfText(withNoto.pdf)).toContain('职业技能等级证书');
  });
});

describe('fonts', () => {
  it('uses the font installed with the package first, system fonts only as fallbacks', () => {
    expect(fonts.primary.postscriptName).toBe('NotoSansSC-Regular');
    expect(fonts.primary.outlines).toBe('truetype');
    expect(fonts.primary.path).toBe(REGULAR);
    expect(REGULAR).toMatch(/node_modules\/@expo-google-fonts\/noto-sans-sc\/400Regular\/NotoSansSC_400Regular\.ttf$/);
    const system = { path: BOLD, postscriptName: 'NotoSansSC-Bold', debianPackage: 'fonts-example' };
    const f = loadCertificateFonts({ env: {}, candidates: [system] });
    expect(f.primary.path).toBe(REGULAR);
    expect(f.description).toBe(`${REGULAR}, ${BOLD}`);
    // Without the bundled font, a system font is the primary one.
    expect(loadCertificateFonts({ env: {}, bundled: null, candidates: [system] }).primary.postscriptName).toBe('NotoSansSC-Bold');
  });

  it('puts the fonts named in CERT_FONTS first, and refuses a CERT_FONTS file that does not exist', () => {
    const f = loadCertificateFonts({ env: { CERT_FONTS: BOLD }, candidates: [] });
    expect(f.primary.postscriptName).toBe('NotoSansSC-Bold');
    expect(f.description).toBe(`${BOLD}, ${REGULAR}`);
    expect(() => loadCertificateFonts({ env: { CERT_FONTS: '/nonexistent/fonts/SourceHanSans.otf' } })).toThrow(
      /CERT_FONTS names a font file that does not exist: \/nonexistent\/fonts\/SourceHanSans\.otf/,
    );
  });

  it('says how to fix it when there is no font at all', () => {
    const attempt = () =>
      loadCertificateFonts({
        env: {},
        bundled: null,
        candidates: [{ path: '/nonexistent/wqy-zenhei.ttc', postscriptName: 'WenQuanYiZenHei', debianPackage: 'fonts-wqy-zenhei' }],
      });
    expect(attempt).toThrow(CertificateFontError);
    expect(attempt).toThrow(/@expo-google-fonts\/noto-sans-sc is not installed\. Run `npm install`.*CERT_FONTS=.*fonts-noto-cjk/);
  });

  it('names a missing explicit font file and refuses what is not a font', () => {
    expect(() => loadCertificateFonts({ fonts: ['/nonexistent/npm-font/SourceHanSans.otf'] })).toThrow(
      /font file not found: \/nonexistent\/npm-font\/SourceHanSans\.otf/,
    );
    expect(() => loadCertificateFonts({ fonts: [{ data: new TextEncoder().encode('wOF2 not a font at all') }] })).toThrow(CertificateFontError);
  });

  withSystemNoto('with Debian fonts-noto-cjk: picks the Simplified Chinese face of a collection', () => {
    const f = loadCertificateFonts({ fonts: [NOTO_SERIF] });
    expect(f.primary.postscriptName).toBe('NotoSerifCJKsc-Regular');
    expect(f.primary.path).toBe(NOTO_SERIF);
  });

  it('reports characters no font can draw, before rendering', async () => {
    const payload = createCertificatePayload({ ...KINDS.SKILL_LEVEL!, holderName: '王😀' } as CertificatePayloadInput);
    let error: unknown;
    try {
      assertPrintable(payload, fonts);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CertificateFontError);
    expect((error as CertificateFontError).missing).toEqual(['😀']);
    await expect(renderCertificatePdf(payload, signPayload(payload, signer).signature, { baseUrl: BASE, fonts })).rejects.toThrow(
      CertificateFontError,
    );
    expect(() => assertPrintable(createCertificatePayload(KINDS.SKILL_LEVEL!), fonts)).not.toThrow();
  });
});
