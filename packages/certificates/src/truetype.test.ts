import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { bundledFontPath } from './fonts.ts';
import { FontFormatError, TrueTypeFont, listPostscriptNames, sfntOffsets } from './truetype.ts';

// Runs on the font installed with the package (Noto Sans SC, TrueType outlines): no system fonts.
const REGULAR_PATH = bundledFontPath()!;
const REGULAR = readFileSync(REGULAR_PATH);
const BOLD = readFileSync(path.join(path.dirname(REGULAR_PATH), '../700Bold/NotoSansSC_700Bold.ttf'));

/** A TrueType collection (.ttc) of whole fonts: a `ttcf` header, then each font with its table offsets moved. */
function collection(fonts: Uint8Array[]): Uint8Array {
  const header = 12 + 4 * fonts.length;
  const out = new Uint8Array(header + fonts.reduce((n, f) => n + f.length, 0));
  const view = new DataView(out.buffer);
  out.set(new TextEncoder().encode('ttcf'));
  view.setUint32(4, 0x00010000);
  view.setUint32(8, fonts.length);
  let at = header;
  fonts.forEach((f, i) => {
    view.setUint32(12 + 4 * i, at);
    out.set(f, at);
    for (let t = 0; t < view.getUint16(at + 4); t++) {
      const rec = at + 12 + 16 * t + 8;
      view.setUint32(rec, view.getUint32(rec) + at);
    }
    at += f.length;
  });
  return out;
}

/** A copy of the font whose glyph for `ch` is rewritten as a composite of the glyphs of `parts`. */
function withComposite(data: Uint8Array, ch: string, parts: string): { data: Uint8Array; gid: number } {
  const copy = new Uint8Array(data);
  const original = new TrueTypeFont(copy);
  const gid = original.glyphIdOf(ch.codePointAt(0)!);
  const slot = original.glyphData(gid);
  const components = [...parts].map((c) => original.glyphIdOf(c.codePointAt(0)!));
  expect(slot.length).toBeGreaterThanOrEqual(10 + 8 * components.length);
  const view = new DataView(slot.buffer, slot.byteOffset, slot.byteLength);
  view.setInt16(0, -1); // numberOfContours < 0: composite; the bounding box stays
  let pos = 10;
  components.forEach((component, i) => {
    const more = i < components.length - 1 ? 0x20 : 0;
    view.setUint16(pos, 0x0001 | 0x0002 | more); // ARG_1_AND_2_ARE_WORDS | ARGS_ARE_XY_VALUES
    view.setUint16(pos + 2, component);
    view.setInt16(pos + 4, 500 * i);
    view.setInt16(pos + 6, 0);
    pos += 8;
  });
  return { data: copy, gid };
}

const font = new TrueTypeFont(REGULAR);

/** Reads the table directory and glyphs of an sfnt written by TrueTypeSubset.encode(). */
function readSubset(bytes: Uint8Array) {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const tables = new Map<string, { offset: number; length: number; checksum: number }>();
  for (let i = 0; i < view.getUint16(4); i++) {
    const rec = 12 + 16 * i;
    const tag = String.fromCharCode(...bytes.subarray(rec, rec + 4));
    tables.set(tag, { checksum: view.getUint32(rec + 4), offset: view.getUint32(rec + 8), length: view.getUint32(rec + 12) });
  }
  const numGlyphs = view.getUint16(tables.get('maxp')!.offset + 4);
  const loca = tables.get('loca')!.offset;
  const glyf = tables.get('glyf')!.offset;
  const glyph = (gid: number) => bytes.subarray(glyf + view.getUint32(loca + 4 * gid), glyf + view.getUint32(loca + 4 * gid + 4));
  let sum = 0;
  for (let i = 0; i < bytes.length; i += 4) sum = (sum + view.getUint32(i)) >>> 0;
  return { tables, numGlyphs, glyph, view, wholeChecksum: sum };
}

describe('TrueTypeFont', () => {
  it('reads the bundled font, and a collection where it picks a face by PostScript name', () => {
    expect(sfntOffsets(REGULAR)).toEqual([0]);
    expect(listPostscriptNames(REGULAR)).toEqual([{ index: 0, postscriptName: 'NotoSansSC-Regular', cff: false }]);
    expect(font.postscriptName).toBe('NotoSansSC-Regular');
    expect(font.unitsPerEm).toBe(1000);
    expect(font.numGlyphs).toBeGreaterThan(30_000);
    const ttc = collection([REGULAR, BOLD]);
    expect(sfntOffsets(ttc)).toHaveLength(2);
    expect(listPostscriptNames(ttc).map((f) => f.postscriptName)).toEqual(['NotoSansSC-Regular', 'NotoSansSC-Bold']);
    const bold = new TrueTypeFont(ttc, 'NotoSansSC-Bold');
    expect(bold.postscriptName).toBe('NotoSansSC-Bold');
    expect(Buffer.from(bold.glyphData(bold.glyphIdOf(0x8bc1))).equals(Buffer.from(new TrueTypeFont(BOLD).glyphData(bold.glyphIdOf(0x8bc1))))).toBe(true);
    expect(() => new TrueTypeFont(ttc, 'NoSuchFont')).toThrow(/NotoSansSC-Regular, NotoSansSC-Bold/);
  });

  it('maps code points through the cmap and measures with hmtx', () => {
    const run = font.layout('证书 A1');
    expect(run.glyphs.map((g) => g.codePoints[0])).toEqual([...'证书 A1'].map((c) => c.codePointAt(0)));
    expect(run.glyphs.every((g) => g.id > 0)).toBe(true);
    expect(run.glyphs[0]!.advanceWidth).toBe(1000); // full-width ideograph
    expect(run.advanceWidth).toBe(run.glyphs.reduce((w, g) => w + g.advanceWidth, 0));
    run.positions[0]!.xAdvance = 1; // pdfkit scales positions in place: each run has its own
    expect(font.layout('证').positions[0]!.xAdvance).toBe(1000);
    expect(font.missingCharacters('王𠮷田😀𠮷')).toEqual(['𠮷', '😀']);
  });

  it('writes a subset with the used glyphs copied byte for byte', () => {
    const subset = font.createSubset();
    const text = '职业技能等级证书欧阳明轩141002';
    const ids = font.layout(text).glyphs.map((g) => g.id);
    const mapped = ids.map((id) => subset.includeGlyph(id));
    expect(subset.includeGlyph(ids[0]!)).toBe(mapped[0]); // stable
    const out = readSubset(subset.encode());
    expect([...out.tables.keys()].sort()).toEqual(expect.arrayContaining(['glyf', 'head', 'hhea', 'hmtx', 'loca', 'maxp']));
    expect(out.wholeChecksum).toBe(0xb1b0afba); // head.checkSumAdjustment is right
    expect(out.numGlyphs).toBeGreaterThanOrEqual(new Set(ids).size + 1);
    expect(out.view.getUint16(out.tables.get('hhea')!.offset + 34)).toBe(out.numGlyphs);
    ids.forEach((id, i) => {
      const original = font.glyphData(id);
      const copy = out.glyph(mapped[i]!);
      const composite = original.length >= 10 && (original[0]! & 0x80) !== 0;
      if (!composite) expect(Buffer.from(copy.subarray(0, original.length)).equals(Buffer.from(original))).toBe(true);
      else expect(copy.length).toBeGreaterThanOrEqual(original.length);
      expect(out.view.getUint16(out.tables.get('hmtx')!.offset + 4 * mapped[i]!)).toBe(font.advanceOf(id));
    });
  });

  it('pulls the components of composite glyphs into the subset and renumbers them', () => {
    // Noto Sans SC has no composite glyphs: rewrite one (丽) in a copy as 丽 = 中 + 国.
    const patched = withComposite(REGULAR, '丽', '中国');
    const font = new TrueTypeFont(patched.data);
    let composite = -1;
    for (let gid = 1; gid < font.numGlyphs && composite < 0; gid++) {
      const data = font.glyphData(gid);
      if (data.length >= 10 && (data[0]! & 0x80) !== 0) composite = gid;
    }
    expect(composite).toBe(patched.gid);
    const before = createHash('sha256').update(patched.data).digest('hex');
    const subset = font.createSubset();
    subset.includeGlyph(font.glyphIdOf(0x4e2d));
    const sid = subset.includeGlyph(composite);
    expect(sid).toBe(2);
    const out = readSubset(subset.encode());
    // The shared font is never written to (the subset patches copies).
    expect(createHash('sha256').update(patched.data).digest('hex')).toBe(before);
    const g = out.glyph(sid);
    const view = new DataView(g.buffer, g.byteOffset, g.byteLength);
    let pos = 10;
    let components = 0;
    for (;;) {
      const flags = view.getUint16(pos);
      const component = view.getUint16(pos + 2);
      expect(component).toBeLessThan(out.numGlyphs);
      expect(out.glyph(component).length).toBeGreaterThan(0);
      components++;
      pos += 4 + (flags & 1 ? 4 : 2) + (flags & 8 ? 2 : flags & 0x40 ? 4 : flags & 0x80 ? 8 : 0);
      if (!(flags & 0x20)) break;
    }
    expect(out.numGlyphs).toBeGreaterThan(components);
  });

  it('refuses CFF fonts and non-fonts', () => {
    // An 'OTTO' font (CFF outlines) as Noto CJK's: a table directory with 'CFF ' and no 'glyf'.
    const tags = ['CFF ', 'OS/2', 'cmap', 'head', 'hhea', 'hmtx', 'maxp', 'name', 'post'];
    const noto = new Uint8Array(12 + 16 * tags.length + 64);
    const view = new DataView(noto.buffer);
    noto.set(new TextEncoder().encode('OTTO'));
    view.setUint16(4, tags.length);
    tags.forEach((t, i) => {
      noto.set(new TextEncoder().encode(t), 12 + 16 * i);
      view.setUint32(12 + 16 * i + 8, 12 + 16 * tags.length);
      view.setUint32(12 + 16 * i + 12, 64);
    });
    expect(listPostscriptNames(noto).every((f) => f.cff)).toBe(true);
    expect(() => new TrueTypeFont(noto)).toThrow(FontFormatError);
    expect(() => new TrueTypeFont(new TextEncoder().encode('wOF2wOF2wOF2wOF2'))).toThrow(FontFormatError);
  });
});
