/**
 * A minimal TrueType (glyf outlines) reader and per-document subsetter, shaped as the font
 * object pdfkit 0.20 accepts in place of a fontkit font.
 *
 * Why this exists: pdfkit given the font file as a Buffer parses the whole 10–26 MB font again for
 * every document, and a shared fontkit font object still spends most of each document re-decoding
 * glyph outlines while subsetting and shaping text that needs no shaping (figures in
 * docs/operations.md, "Fonts for certificate PDFs"). This module reads the font's
 * tables once and then, per document:
 *   - lays text out by cmap + hmtx only (one code point → one glyph, no kerning or ligatures:
 *     certificate text is horizontal Chinese, digits and Latin capitals, which need neither);
 *   - builds the subset by copying the raw `glyf` bytes of the used glyphs (composite glyphs get
 *     their component ids rewritten) into a fresh head/hhea/maxp/hmtx/loca/glyf(+cvt/fpgm/prep)
 *     TrueType file, which is what a PDF CIDFontType2 with CIDToGIDMap /Identity needs.
 * Nothing per document depends on the font size, so the work is proportional to the glyphs a
 * certificate actually uses (~60–90).
 *
 * CFF-flavoured fonts (Noto CJK .ttc/.otf, 'OTTO') have no glyf table; fonts.ts hands those to
 * pdfkit's own fontkit path instead.
 */

export class FontFormatError extends Error {
  override readonly name = 'FontFormatError';
}

interface TableRecord {
  offset: number;
  length: number;
}

/** The fontkit-like glyph pdfkit reads: id, advanceWidth (font units), codePoints. */
export interface LayoutGlyph {
  readonly id: number;
  readonly advanceWidth: number;
  readonly codePoints: readonly number[];
}

export interface LayoutPosition {
  xAdvance: number;
  yAdvance: number;
  xOffset: number;
  yOffset: number;
}

/** What pdfkit's EmbeddedFont reads from `font.layout(text)`; pdfkit scales `positions` in place. */
export interface LayoutRun {
  glyphs: LayoutGlyph[];
  positions: LayoutPosition[];
  readonly advanceWidth: number;
}

const TRUE_TYPE = 0x00010000;
const TRUE_TAG = 0x74727565; // 'true' (old Apple TrueType)
const OTTO = 0x4f54544f; // 'OTTO' (CFF outlines)
const TTCF = 0x74746366; // 'ttcf'

function tag(view: DataView, pos: number): string {
  return String.fromCharCode(view.getUint8(pos), view.getUint8(pos + 1), view.getUint8(pos + 2), view.getUint8(pos + 3));
}

/** Offsets of the fonts in a file: one for .ttf/.otf, several for a .ttc collection. */
export function sfntOffsets(data: Uint8Array): number[] {
  if (data.length < 12) throw new FontFormatError('not a font file (too short)');
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const magic = view.getUint32(0);
  if (magic === TTCF) {
    const count = view.getUint32(8);
    if (count < 1 || 12 + 4 * count > data.length) throw new FontFormatError('corrupt TrueType collection header');
    return Array.from({ length: count }, (_, i) => view.getUint32(12 + 4 * i));
  }
  if (magic === TRUE_TYPE || magic === TRUE_TAG || magic === OTTO) return [0];
  throw new FontFormatError('not a TrueType/OpenType font or collection (WOFF/WOFF2 are not supported)');
}

function readTables(view: DataView, offset: number): Map<string, TableRecord> {
  const count = view.getUint16(offset + 4);
  const tables = new Map<string, TableRecord>();
  for (let i = 0; i < count; i++) {
    const rec = offset + 12 + 16 * i;
    const t = { offset: view.getUint32(rec + 8), length: view.getUint32(rec + 12) };
    if (t.offset + t.length > view.byteLength) throw new FontFormatError(`table ${tag(view, rec)} lies outside the file`);
    tables.set(tag(view, rec), t);
  }
  return tables;
}

function decodeUtf16be(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i + 1 < bytes.length; i += 2) s += String.fromCharCode((bytes[i]! << 8) | bytes[i + 1]!);
  return s;
}

/** The PostScript name (name id 6) of the font at `offset`, or null. */
function postscriptNameAt(view: DataView, data: Uint8Array, tables: Map<string, TableRecord>): string | null {
  const name = tables.get('name');
  if (!name) return null;
  const count = view.getUint16(name.offset + 2);
  const strings = name.offset + view.getUint16(name.offset + 4);
  let mac: string | null = null;
  for (let i = 0; i < count; i++) {
    const rec = name.offset + 6 + 12 * i;
    if (view.getUint16(rec + 6) !== 6) continue;
    const platform = view.getUint16(rec);
    const start = strings + view.getUint16(rec + 10);
    const bytes = data.subarray(start, start + view.getUint16(rec + 8));
    if (platform === 3 || platform === 0) return decodeUtf16be(bytes);
    if (platform === 1) mac = String.fromCharCode(...bytes);
  }
  return mac;
}

/** PostScript names of every font in a file, in collection order (to pick one or to list choices). */
export function listPostscriptNames(data: Uint8Array): Array<{ index: number; postscriptName: string | null; cff: boolean }> {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  return sfntOffsets(data).map((offset, index) => {
    const tables = readTables(view, offset);
    return { index, postscriptName: postscriptNameAt(view, data, tables), cff: tables.has('CFF ') || tables.has('CFF2') };
  });
}

/**
 * One TrueType font, read once and shared by every document of the process. It answers both
 * as a font (metrics, cmap) and, through `createSubset()`, as pdfkit's per-document subset.
 * Only views into the original bytes are kept; the per-glyph caches are bounded by the number
 * of distinct glyphs used.
 */
export class TrueTypeFont {
  readonly postscriptName: string;
  readonly unitsPerEm: number;
  readonly ascent: number;
  readonly descent: number;
  readonly lineGap: number;
  readonly capHeight: number;
  readonly xHeight: number;
  readonly italicAngle: number;
  readonly bbox: { minX: number; minY: number; maxX: number; maxY: number };
  readonly numGlyphs: number;
  /** The fontkit-shaped fields pdfkit's EmbeddedFont.embed() reads. */
  readonly 'OS/2': { sFamilyClass: number };
  readonly post: { isFixedPitch: boolean };
  readonly head: { macStyle: { italic: boolean } };

  readonly #data: Uint8Array;
  readonly #view: DataView;
  readonly #tables: Map<string, TableRecord>;
  readonly #numberOfHMetrics: number;
  readonly #longLoca: boolean;
  readonly #cmap: (codePoint: number) => number;
  readonly #glyphByCodePoint = new Map<number, LayoutGlyph>();
  readonly #glyph0: LayoutGlyph;

  /**
   * @param data the whole .ttf/.ttc file (kept by reference, not copied)
   * @param postscriptName which font of a collection; the first one when omitted
   */
  constructor(bytes: Uint8Array, postscriptName?: string) {
    // A plain Uint8Array view: on a Node Buffer, slice() would return a view into the font
    // instead of a copy, and patching a subset's tables would corrupt the shared font.
    const data = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.#data = data;
    this.#view = new DataView(data.buffer, data.byteOffset, data.byteLength);
    const view = this.#view;
    const offsets = sfntOffsets(data);
    let chosen: { tables: Map<string, TableRecord>; name: string | null } | null = null;
    const names: string[] = [];
    for (const offset of offsets) {
      const tables = readTables(view, offset);
      const name = postscriptNameAt(view, data, tables);
      names.push(name ?? '?');
      if (postscriptName === undefined || name === postscriptName) {
        chosen = { tables, name };
        break;
      }
    }
    if (!chosen) throw new FontFormatError(`no font named ${postscriptName} in this file (it has: ${names.join(', ')})`);
    const tables = chosen.tables;
    this.#tables = tables;
    for (const t of ['head', 'hhea', 'maxp', 'hmtx', 'loca', 'glyf', 'cmap']) {
      if (!tables.has(t)) {
        throw new FontFormatError(
          tables.has('CFF ') ? 'CFF-outline font: not handled by the TrueType reader' : `font has no ${t} table`,
        );
      }
    }
    this.postscriptName = chosen.name ?? postscriptName ?? 'CJKFont';
    const head = tables.get('head')!.offset;
    this.unitsPerEm = view.getUint16(head + 18);
    this.bbox = {
      minX: view.getInt16(head + 36),
      minY: view.getInt16(head + 38),
      maxX: view.getInt16(head + 40),
      maxY: view.getInt16(head + 42),
    };
    this.head = { macStyle: { italic: (view.getUint16(head + 44) & 2) !== 0 } };
    this.#longLoca = view.getInt16(head + 50) === 1;
    const hhea = tables.get('hhea')!.offset;
    this.ascent = view.getInt16(hhea + 4);
    this.descent = view.getInt16(hhea + 6);
    this.lineGap = view.getInt16(hhea + 8);
    this.#numberOfHMetrics = view.getUint16(hhea + 34);
    this.numGlyphs = view.getUint16(tables.get('maxp')!.offset + 4);
    const os2 = tables.get('OS/2');
    let capHeight = this.ascent;
    let xHeight = 0;
    let familyClass = 0;
    if (os2) {
      familyClass = view.getInt16(os2.offset + 30);
      if (view.getUint16(os2.offset) >= 2 && os2.length >= 90) {
        xHeight = view.getInt16(os2.offset + 86);
        capHeight = view.getInt16(os2.offset + 88) || this.ascent;
      }
    }
    this.capHeight = capHeight;
    this.xHeight = xHeight;
    this['OS/2'] = { sFamilyClass: familyClass };
    const post = tables.get('post');
    this.italicAngle = post ? view.getInt32(post.offset + 4) / 65536 : 0;
    this.post = { isFixedPitch: post ? view.getUint32(post.offset + 12) !== 0 : false };
    this.#cmap = readCmap(view, tables.get('cmap')!.offset);
    this.#glyph0 = Object.freeze({ id: 0, advanceWidth: this.advanceOf(0), codePoints: Object.freeze([] as number[]) });
  }

  /** Glyph id for a code point; 0 (.notdef) when the font lacks it. */
  glyphIdOf(codePoint: number): number {
    return this.#cmap(codePoint);
  }

  hasCodePoint(codePoint: number): boolean {
    return this.#cmap(codePoint) !== 0;
  }

  /** Characters of `text` this font cannot draw (deduplicated, in order). */
  missingCharacters(text: string): string[] {
    const missing = new Set<string>();
    for (const ch of text) {
      const cp = ch.codePointAt(0)!;
      if (cp > 0x20 && !this.hasCodePoint(cp)) missing.add(ch);
    }
    return [...missing];
  }

  advanceOf(gid: number): number {
    const hmtx = this.#tables.get('hmtx')!.offset;
    const i = Math.min(gid, this.#numberOfHMetrics - 1);
    return this.#view.getUint16(hmtx + 4 * i);
  }

  leftSideBearingOf(gid: number): number {
    const hmtx = this.#tables.get('hmtx')!.offset;
    if (gid < this.#numberOfHMetrics) return this.#view.getInt16(hmtx + 4 * gid + 2);
    return this.#view.getInt16(hmtx + 4 * this.#numberOfHMetrics + 2 * (gid - this.#numberOfHMetrics));
  }

  /** The raw `glyf` bytes of a glyph (a view, empty for blank glyphs such as the space). */
  glyphData(gid: number): Uint8Array {
    if (gid < 0 || gid >= this.numGlyphs) return new Uint8Array(0);
    const loca = this.#tables.get('loca')!.offset;
    const glyf = this.#tables.get('glyf')!.offset;
    const v = this.#view;
    const start = this.#longLoca ? v.getUint32(loca + 4 * gid) : 2 * v.getUint16(loca + 2 * gid);
    const end = this.#longLoca ? v.getUint32(loca + 4 * gid + 4) : 2 * v.getUint16(loca + 2 * gid + 2);
    if (end <= start) return new Uint8Array(0);
    return this.#data.subarray(glyf + start, glyf + end);
  }

  /** Raw bytes of a table, or undefined. */
  table(name: string): Uint8Array | undefined {
    const t = this.#tables.get(name);
    return t ? this.#data.subarray(t.offset, t.offset + t.length) : undefined;
  }

  /** fontkit's `getGlyph`: pdfkit only reads `getGlyph(0).advanceWidth`. */
  getGlyph(gid: number): LayoutGlyph {
    if (gid === 0) return this.#glyph0;
    return { id: gid, advanceWidth: this.advanceOf(gid), codePoints: [] };
  }

  #glyphFor(codePoint: number): LayoutGlyph {
    let g = this.#glyphByCodePoint.get(codePoint);
    if (!g) {
      const id = this.#cmap(codePoint);
      g = Object.freeze({ id, advanceWidth: this.advanceOf(id), codePoints: Object.freeze([codePoint]) });
      this.#glyphByCodePoint.set(codePoint, g);
    }
    return g;
  }

  /**
   * fontkit's `layout(text, features)`: one glyph per code point, advances from hmtx, in font
   * units. pdfkit multiplies the positions in place, so they are fresh objects every call; the
   * glyph objects are shared and frozen.
   */
  layout(text: string, _features?: unknown): LayoutRun {
    const glyphs: LayoutGlyph[] = [];
    const positions: LayoutPosition[] = [];
    for (const ch of text) {
      const g = this.#glyphFor(ch.codePointAt(0)!);
      glyphs.push(g);
      positions.push({ xAdvance: g.advanceWidth, yAdvance: 0, xOffset: 0, yOffset: 0 });
    }
    return {
      glyphs,
      positions,
      get advanceWidth() {
        let w = 0;
        for (const p of positions) w += p.xAdvance;
        return w;
      },
    };
  }

  /** fontkit's `createSubset()`: a new, empty subset per PDF document. */
  createSubset(): TrueTypeSubset {
    return new TrueTypeSubset(this);
  }
}

/** Builds a cmap lookup from the best Unicode subtable (format 12 full repertoire, else format 4 BMP). */
function readCmap(view: DataView, cmap: number): (cp: number) => number {
  const count = view.getUint16(cmap + 2);
  let format4 = -1;
  let format12 = -1;
  for (let i = 0; i < count; i++) {
    const rec = cmap + 4 + 8 * i;
    const platform = view.getUint16(rec);
    const encoding = view.getUint16(rec + 2);
    const sub = cmap + view.getUint32(rec + 4);
    const format = view.getUint16(sub);
    const unicode = platform === 0 || (platform === 3 && (encoding === 1 || encoding === 10));
    if (!unicode) continue;
    if (format === 12 && format12 < 0) format12 = sub;
    if (format === 4 && format4 < 0) format4 = sub;
  }
  if (format12 >= 0) {
    const groups = view.getUint32(format12 + 12);
    const starts = new Uint32Array(groups);
    const ends = new Uint32Array(groups);
    const gids = new Uint32Array(groups);
    for (let i = 0; i < groups; i++) {
      const g = format12 + 16 + 12 * i;
      starts[i] = view.getUint32(g);
      ends[i] = view.getUint32(g + 4);
      gids[i] = view.getUint32(g + 8);
    }
    return (cp) => {
      let lo = 0;
      let hi = groups - 1;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        if (cp < starts[mid]!) hi = mid - 1;
        else if (cp > ends[mid]!) lo = mid + 1;
        else return gids[mid]! + (cp - starts[mid]!);
      }
      return 0;
    };
  }
  if (format4 >= 0) {
    const segX2 = view.getUint16(format4 + 6);
    const segs = segX2 / 2;
    const endCodes = format4 + 14;
    const startCodes = endCodes + segX2 + 2;
    const deltas = startCodes + segX2;
    const rangeOffsets = deltas + segX2;
    return (cp) => {
      if (cp > 0xffff) return 0;
      let lo = 0;
      let hi = segs - 1;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        const end = view.getUint16(endCodes + 2 * mid);
        const start = view.getUint16(startCodes + 2 * mid);
        if (cp > end) lo = mid + 1;
        else if (cp < start) hi = mid - 1;
        else {
          const delta = view.getUint16(deltas + 2 * mid);
          const ro = view.getUint16(rangeOffsets + 2 * mid);
          if (ro === 0) return (cp + delta) & 0xffff;
          const at = rangeOffsets + 2 * mid + ro + 2 * (cp - start);
          const gid = view.getUint16(at);
          return gid === 0 ? 0 : (gid + delta) & 0xffff;
        }
      }
      return 0;
    };
  }
  throw new FontFormatError('font has no Unicode cmap (format 4 or 12)');
}

// Composite glyph component flags (OpenType glyf table).
const ARG_1_AND_2_ARE_WORDS = 0x0001;
const WE_HAVE_A_SCALE = 0x0008;
const MORE_COMPONENTS = 0x0020;
const WE_HAVE_AN_X_AND_Y_SCALE = 0x0040;
const WE_HAVE_A_TWO_BY_TWO = 0x0080;

/**
 * pdfkit's per-document subset: `includeGlyph(gid)` returns the glyph's id in the subset
 * (pdfkit writes these as CIDs, with CIDToGIDMap /Identity), `encode()` returns the subset font.
 * `cff` is undefined, so pdfkit embeds it as FontFile2/CIDFontType2.
 */
export class TrueTypeSubset {
  readonly cff = undefined;
  readonly #font: TrueTypeFont;
  readonly #glyphs: number[] = [];
  readonly #mapping = new Map<number, number>();

  constructor(font: TrueTypeFont) {
    this.#font = font;
    this.includeGlyph(0);
  }

  includeGlyph(glyph: number | { id: number }): number {
    const gid = typeof glyph === 'number' ? glyph : glyph.id;
    let mapped = this.#mapping.get(gid);
    if (mapped === undefined) {
      mapped = this.#glyphs.length;
      this.#glyphs.push(gid);
      this.#mapping.set(gid, mapped);
    }
    return mapped;
  }

  /** The subset as a standalone TrueType file (tables pdf readers need for a CIDFontType2). */
  encode(): Uint8Array {
    const font = this.#font;
    const pieces: Uint8Array[] = [];
    const offsets: number[] = [];
    let size = 0;
    // #glyphs grows while composites pull in their components.
    for (let i = 0; i < this.#glyphs.length; i++) {
      const gid = this.#glyphs[i]!;
      let data = font.glyphData(gid);
      if (data.length >= 10 && ((data[0]! << 8) | data[1]!) & 0x8000) {
        data = this.#remapComposite(data);
      }
      offsets.push(size);
      pieces.push(data);
      size += (data.length + 3) & ~3;
    }
    offsets.push(size);
    const n = this.#glyphs.length;

    const glyf = new Uint8Array(size);
    for (let i = 0; i < n; i++) glyf.set(pieces[i]!, offsets[i]!);
    const loca = new Uint8Array(4 * (n + 1));
    const locaView = new DataView(loca.buffer);
    for (let i = 0; i <= n; i++) locaView.setUint32(4 * i, offsets[i]!);
    const hmtx = new Uint8Array(4 * n);
    const hmtxView = new DataView(hmtx.buffer);
    for (let i = 0; i < n; i++) {
      const gid = this.#glyphs[i]!;
      hmtxView.setUint16(4 * i, font.advanceOf(gid));
      hmtxView.setInt16(4 * i + 2, font.leftSideBearingOf(gid));
    }
    const head = copyOf(font.table('head')!.subarray(0, 54));
    const headView = viewOf(head);
    headView.setUint32(8, 0); // checkSumAdjustment, set below
    headView.setInt16(50, 1); // long loca
    const hhea = copyOf(font.table('hhea')!.subarray(0, 36));
    viewOf(hhea).setUint16(34, n);
    const maxp = copyOf(font.table('maxp')!);
    viewOf(maxp).setUint16(4, n);

    const tables: Array<[string, Uint8Array]> = [
      ['glyf', glyf],
      ['head', head],
      ['hhea', hhea],
      ['hmtx', hmtx],
      ['loca', loca],
      ['maxp', maxp],
    ];
    for (const t of ['cvt ', 'fpgm', 'prep']) {
      const bytes = font.table(t);
      if (bytes) tables.push([t, bytes]);
    }
    tables.sort((a, b) => (a[0] < b[0] ? -1 : 1));
    return writeSfnt(tables, head);
  }

  /** A copy of a composite glyph with its component glyph ids replaced by subset ids. */
  #remapComposite(source: Uint8Array): Uint8Array {
    const data = copyOf(source);
    const view = viewOf(data);
    let pos = 10;
    for (;;) {
      if (pos + 4 > data.length) throw new FontFormatError('truncated composite glyph');
      const flags = view.getUint16(pos);
      view.setUint16(pos + 2, this.includeGlyph(view.getUint16(pos + 2)));
      pos += 4 + (flags & ARG_1_AND_2_ARE_WORDS ? 4 : 2);
      if (flags & WE_HAVE_A_SCALE) pos += 2;
      else if (flags & WE_HAVE_AN_X_AND_Y_SCALE) pos += 4;
      else if (flags & WE_HAVE_A_TWO_BY_TWO) pos += 8;
      if (!(flags & MORE_COMPONENTS)) return data;
    }
  }
}

/** A copy that owns its memory (never a view into the font). */
function copyOf(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(bytes);
}

function viewOf(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function checksum(bytes: Uint8Array): number {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let sum = 0;
  const whole = bytes.length & ~3;
  for (let i = 0; i < whole; i += 4) sum = (sum + view.getUint32(i)) >>> 0;
  if (whole < bytes.length) {
    let last = 0;
    for (let i = whole; i < whole + 4; i++) last = (last << 8) | (i < bytes.length ? bytes[i]! : 0);
    sum = (sum + (last >>> 0)) >>> 0;
  }
  return sum;
}

/** Writes an sfnt file (tables sorted by tag) with checksums and head.checkSumAdjustment. */
function writeSfnt(tables: Array<[string, Uint8Array]>, head: Uint8Array): Uint8Array {
  const numTables = tables.length;
  let entrySelector = 0;
  while (1 << (entrySelector + 1) <= numTables) entrySelector++;
  const searchRange = (1 << entrySelector) * 16;
  let total = 12 + 16 * numTables;
  for (const [, bytes] of tables) total += (bytes.length + 3) & ~3;
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  view.setUint32(0, TRUE_TYPE);
  view.setUint16(4, numTables);
  view.setUint16(6, searchRange);
  view.setUint16(8, entrySelector);
  view.setUint16(10, numTables * 16 - searchRange);
  let offset = 12 + 16 * numTables;
  let headOffset = -1;
  tables.forEach(([name, bytes], i) => {
    const rec = 12 + 16 * i;
    for (let k = 0; k < 4; k++) view.setUint8(rec + k, name.charCodeAt(k));
    view.setUint32(rec + 4, checksum(bytes));
    view.setUint32(rec + 8, offset);
    view.setUint32(rec + 12, bytes.length);
    out.set(bytes, offset);
    if (bytes === head) headOffset = offset;
    offset += (bytes.length + 3) & ~3;
  });
  if (headOffset >= 0) view.setUint32(headOffset + 8, (0xb1b0afba - checksum(out)) >>> 0);
  return out;
}
