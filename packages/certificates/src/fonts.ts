import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter } from 'node:path';
import PDFDocument from 'pdfkit';
import { FontFormatError, TrueTypeFont, listPostscriptNames } from './truetype.ts';

/**
 * CJK fonts for certificates: found once per process, parsed once, shared by every document.
 *
 * Order: files named in CERT_FONTS, then the bundled Noto Sans SC Regular (npm package
 * @expo-google-fonts/noto-sans-sc, whole TTF files), then Debian fonts as optional fallbacks for
 * characters the bundled font lacks (e.g. 𠮷). The bundled font goes before system fonts so that every
 * machine prints the same certificate. TrueType (glyf) fonts take the fast TrueTypeFont path
 * (truetype.ts); CFF fonts (Noto CJK from Debian) go through fontkit, which is several times slower and
 * larger per document, so they are only fallbacks. Figures and rejected designs: docs/operations.md,
 * "Fonts for certificate PDFs".
 */

export interface CjkFontCandidate {
  path: string;
  postscriptName: string;
  /** Debian package that installs it. */
  debianPackage: string;
}

/** Known Debian locations, in order of preference (TrueType first: see above); fallbacks after the bundled font. */
export const DEBIAN_CJK_FONTS: readonly CjkFontCandidate[] = [
  { path: '/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc', postscriptName: 'WenQuanYiZenHei', debianPackage: 'fonts-wqy-zenhei' },
  { path: '/usr/share/fonts/truetype/wqy/wqy-microhei.ttc', postscriptName: 'WenQuanYiMicroHei', debianPackage: 'fonts-wqy-microhei' },
  {
    path: '/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc',
    postscriptName: 'NotoSerifCJKsc-Regular',
    debianPackage: 'fonts-noto-cjk',
  },
  {
    path: '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc',
    postscriptName: 'NotoSansCJKsc-Regular',
    debianPackage: 'fonts-noto-cjk',
  },
];

/** A font file given explicitly, e.g. one shipped by an npm package (`.ttf`, `.otf` or `.ttc`; not WOFF). */
export interface FontFileOption {
  path?: string;
  data?: Uint8Array;
  /** Which font of a `.ttc` collection; default: a Simplified Chinese one, else the first. */
  postscriptName?: string;
}

export class CertificateFontError extends Error {
  override readonly name = 'CertificateFontError';
  /** Characters no available font can draw, when that is the problem. */
  readonly missing: readonly string[];
  constructor(message: string, missing: readonly string[] = []) {
    super(message);
    this.missing = missing;
  }
}

/** One loaded font. `source` is what pdfkit's `font()`/`registerFont()` receive. */
export interface CertificateFont {
  readonly postscriptName: string;
  readonly path: string | null;
  readonly outlines: 'truetype' | 'cff';
  readonly source: unknown;
  missingCharacters(text: string): string[];
}

interface FontkitLike {
  postscriptName: string;
  layout: (text: string) => unknown;
  hasGlyphForCodePoint(cp: number): boolean;
}

/**
 * Parses a CFF font once through pdfkit's own fontkit (pdfkit does not re-export fontkit, and
 * fontkit is not a dependency of this package): the parsed object is then reused by every
 * document, which pdfkit supports (PDFFontFactory.open takes any object with `layout`).
 */
function parseWithPdfkitFontkit(data: Uint8Array, postscriptName: string): FontkitLike {
  const probe = new PDFDocument({ autoFirstPage: false });
  probe.font(Buffer.from(data.buffer, data.byteOffset, data.byteLength), postscriptName);
  const font = (probe as unknown as { _font?: { font?: FontkitLike } })._font?.font;
  if (!font || typeof font.layout !== 'function' || typeof font.hasGlyphForCodePoint !== 'function') {
    throw new FontFormatError('pdfkit did not expose the parsed font (pdfkit internals changed?)');
  }
  return font;
}

function chooseName(data: Uint8Array, wanted: string | undefined): { name: string | undefined; cff: boolean } {
  const fonts = listPostscriptNames(data);
  if (wanted !== undefined) {
    const f = fonts.find((x) => x.postscriptName === wanted);
    if (!f) throw new FontFormatError(`no font named ${wanted} (the file has: ${fonts.map((x) => x.postscriptName).join(', ')})`);
    return { name: wanted, cff: f.cff };
  }
  const sc = fonts.find((x) => /(?:SC|sc-|GB|Hans)/.test(x.postscriptName ?? '')) ?? fonts[0]!;
  return { name: sc.postscriptName ?? undefined, cff: sc.cff };
}

const missingFrom = (has: (cp: number) => boolean, text: string): string[] => {
  const out = new Set<string>();
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    if (cp > 0x20 && !has(cp)) out.add(ch);
  }
  return [...out];
};

/** Loads one font file (not cached: see loadCertificateFonts). */
export function loadFont(file: FontFileOption): CertificateFont {
  const path = file.path ?? null;
  let data: Uint8Array;
  if (file.data) data = file.data;
  else if (path) {
    if (!existsSync(path)) throw new CertificateFontError(`font file not found: ${path}`);
    data = readFileSync(path);
  } else throw new CertificateFontError('a font option needs a path or data');
  try {
    const { name, cff } = chooseName(data, file.postscriptName);
    if (!cff) {
      const font = new TrueTypeFont(data, name);
      return {
        postscriptName: font.postscriptName,
        path,
        outlines: 'truetype',
        source: font,
        missingCharacters: (text) => font.missingCharacters(text),
      };
    }
    const font = parseWithPdfkitFontkit(data, name ?? '');
    return {
      postscriptName: font.postscriptName,
      path,
      outlines: 'cff',
      source: font,
      missingCharacters: (text) => missingFrom((cp) => font.hasGlyphForCodePoint(cp), text),
    };
  } catch (e) {
    if (e instanceof FontFormatError) throw new CertificateFontError(`cannot use font ${path ?? '(data)'}: ${e.message}`);
    throw e;
  }
}

/**
 * The fonts of a certificate: the first is used for every text it can draw, the others (loaded
 * only when needed) for texts it cannot, e.g. a rare character in a name (生僻字).
 */
export class CertificateFonts {
  readonly #loaders: Array<() => CertificateFont>;
  readonly #loaded: Array<CertificateFont | undefined>;
  readonly description: string;

  constructor(loaders: Array<() => CertificateFont>, description: string) {
    if (loaders.length === 0) throw new CertificateFontError('no fonts');
    this.#loaders = loaders;
    this.#loaded = loaders.map(() => undefined);
    this.description = description;
  }

  #get(i: number): CertificateFont {
    let f = this.#loaded[i];
    if (!f) {
      f = this.#loaders[i]!();
      this.#loaded[i] = f;
    }
    return f;
  }

  /** The primary font (loaded now, so a broken font fails at start-up, not in the first job). */
  get primary(): CertificateFont {
    return this.#get(0);
  }

  /** The first font that can draw all of `text`; CertificateFontError naming the characters otherwise. */
  fontFor(text: string): { font: CertificateFont; index: number } {
    let missing: string[] = [];
    for (let i = 0; i < this.#loaders.length; i++) {
      const font = this.#get(i);
      const m = font.missingCharacters(text);
      if (m.length === 0) return { font, index: i };
      if (i === 0) missing = m;
      else missing = missing.filter((ch) => m.includes(ch));
    }
    throw new CertificateFontError(
      `no certificate font can draw ${missing.map((c) => `${c} (U+${c.codePointAt(0)!.toString(16).toUpperCase()})`).join(', ')}; ` +
        `add a font that has them: ${CERT_FONTS_ENV}=/path/to/font.ttf, or the Debian package fonts-noto-cjk as a fallback`,
      missing,
    );
  }
}

const fontCache = new Map<string, CertificateFont>();

function cachedFont(candidate: { path: string; postscriptName?: string }): CertificateFont {
  const key = `${candidate.path}\n${candidate.postscriptName ?? ''}`;
  let f = fontCache.get(key);
  if (!f) {
    f = loadFont(candidate);
    fontCache.set(key, f);
  }
  return f;
}

/** The npm package that ships the default certificate font (a dependency of this package). */
export const BUNDLED_FONT_PACKAGE = '@expo-google-fonts/noto-sans-sc';
/** Its Regular weight: Noto Sans SC, TrueType outlines (glyf), 30,898 glyphs, 10.5 MB. */
export const BUNDLED_FONT_FILE = '400Regular/NotoSansSC_400Regular.ttf';

/**
 * Path of the font installed with this package (`npm install`/`npm ci`), or null when it is not
 * there. Found through Node's resolver from this module, so it works in any workspace layout.
 */
export function bundledFontPath(): string | null {
  try {
    return createRequire(import.meta.url).resolve(`${BUNDLED_FONT_PACKAGE}/${BUNDLED_FONT_FILE}`);
  } catch {
    return null;
  }
}

/** Environment variable with font files to use before the bundled one (`:`-separated, like PATH). */
export const CERT_FONTS_ENV = 'CERT_FONTS';

export interface LoadFontsOptions {
  /**
   * Explicit fonts, in order (a path, a `{ path, postscriptName }`, or bytes): used instead of
   * the search below. Paths are cached per process; `data` fonts are parsed on each call.
   */
  fonts?: readonly (string | FontFileOption)[];
  /** Where `CERT_FONTS` is read from; default process.env. */
  env?: Readonly<Record<string, string | undefined>>;
  /** The bundled font's path; default bundledFontPath(); null: leave it out. */
  bundled?: string | null;
  /** System fonts to add as fallbacks; default DEBIAN_CJK_FONTS. */
  candidates?: readonly CjkFontCandidate[];
}

/**
 * The fonts for certificates. Call once at start-up (worker boot) and pass the result to every
 * `renderCertificatePdf`; repeated calls return fonts parsed once per process.
 *
 * Without `options.fonts`, in this order (the first that exists is the primary font, the others
 * are fallbacks loaded only for characters it lacks):
 *   1. the files named in `CERT_FONTS` (a configured file that does not exist is an error);
 *   2. the bundled Noto Sans SC from npm, so every machine prints the same certificates;
 *   3. installed Debian CJK fonts (optional), e.g. Noto CJK for rare characters Noto Sans SC lacks.
 * Throws CertificateFontError saying how to fix it when there is no font at all.
 */
export function loadCertificateFonts(options: LoadFontsOptions = {}): CertificateFonts {
  if (options.fonts && options.fonts.length > 0) {
    const loaders = options.fonts.map((f) => {
      const file: FontFileOption = typeof f === 'string' ? { path: f } : f;
      return () => (file.path && !file.data ? cachedFont({ ...file, path: file.path }) : loadFont(file));
    });
    const fonts = new CertificateFonts(loaders, options.fonts.map((f) => (typeof f === 'string' ? f : (f.path ?? '(data)'))).join(', '));
    void fonts.primary;
    return fonts;
  }
  const configured = (options.env ?? process.env)[CERT_FONTS_ENV]?.split(delimiter).filter((p) => p.trim() !== '') ?? [];
  for (const p of configured) {
    if (!existsSync(p)) throw new CertificateFontError(`${CERT_FONTS_ENV} names a font file that does not exist: ${p}`);
  }
  const bundled = options.bundled === undefined ? bundledFontPath() : options.bundled;
  const candidates = options.candidates ?? DEBIAN_CJK_FONTS;
  // Sans and serif Noto CJK cover the same characters: one file per Debian package is enough.
  const system = candidates
    .filter((c) => existsSync(c.path))
    .filter((c, i, found) => found.findIndex((d) => d.debianPackage === c.debianPackage) === i);
  const chain: Array<{ path: string; postscriptName?: string }> = [
    ...configured.map((path) => ({ path })),
    ...(bundled && existsSync(bundled) ? [{ path: bundled }] : []),
    ...system,
  ];
  if (chain.length === 0) {
    throw new CertificateFontError(
      `No font for certificates: the font package ${BUNDLED_FONT_PACKAGE} is not installed. ` +
        'Run `npm install` (or `npm ci`) at the repository root; or set ' +
        `${CERT_FONTS_ENV}=/path/to/font.ttf (a .ttf/.otf/.ttc CJK font); or install a system font ` +
        `(\`apt-get install fonts-noto-cjk\`). Looked for: ${[bundled ?? BUNDLED_FONT_PACKAGE, ...candidates.map((c) => c.path)].join(', ')}`,
    );
  }
  const fonts = new CertificateFonts(
    chain.map((c) => () => cachedFont(c)),
    chain.map((c) => c.path).join(', '),
  );
  void fonts.primary;
  return fonts;
}
