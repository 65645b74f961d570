import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { FontFormatError, TrueTypeFont, listPostscriptNames, sfntOffsets } from './truetype.ts';

// Needs fonts-wqy-zenhei (TrueType collection) and fonts-noto-cjk (CFF collection).
const WQY = readFileSync('/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc');
const font = new TrueTypeFont(WQY, 'WenQuanYiZenHei');

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
  it('reads a collection and picks a face by PostScript name', () => {
    expect(sfntOffsets(WQY)).toHaveLength(3);
    expect(listPostscriptNames(WQY).map((f) => f.postscriptName)).toContain('WenQuanYiZenHei');
    expect(font.postscriptName).toBe('WenQuanYiZenHei');
    expect(font.unitsPerEm).toBe(1024);
    expect(font.numGlyphs).toBeGreaterThan(40_000);
    expect(() => new TrueTypeFont(WQY, 'NoSuchFont')).toThrow(/WenQuanYiZenHei/);
  });

  it('maps code points through the cmap and measures with hmtx', () => {
    const run = font.layout('证书 A1');
    expect(run.glyphs.map((g) => g.codePoints[0])).toEqual([...'证书 A1'].map((c) => c.codePointAt(0)));
    expect(run.glyphs.every((g) => g.id > 0)).toBe(true);
    expect(run.glyphs[0]!.advanceWidth).toBe(1024); // full-width ideograph
    expect(run.advanceWidth).toBe(run.glyphs.reduce((w, g) => w + g.advanceWidth, 0));
    run.positions[0]!.xAdvance = 1; // pdfkit scales positions in place: each run has its own
    expect(font.layout('证').positions[0]!.xAdvance).toBe(1024);
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
    let composite = -1;
    for (let gid = 1; gid < font.numGlyphs && composite < 0; gid++) {
      const data = font.glyphData(gid);
      if (data.length >= 10 && (data[0]! & 0x80) !== 0) composite = gid;
    }
    expect(composite).toBeGreaterThan(0);
    const before = createHash('sha256').update(WQY).digest('hex');
    const subset = font.createSubset();
    subset.includeGlyph(font.glyphIdOf(0x4e2d));
    const sid = subset.includeGlyph(composite);
    expect(sid).toBe(2);
    const out = readSubset(subset.encode());
    // The shared font is never written to (the subset patches copies).
    expect(createHash('sha256').update(WQY).digest('hex')).toBe(before);
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
    const noto = readFileSync('/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc');
    expect(listPostscriptNames(noto).every((f) => f.cff)).toBe(true);
    expect(() => new TrueTypeFont(noto)).toThrow(FontFormatError);
    expect(() => new TrueTypeFont(new TextEncoder().encode('wOF2wOF2wOF2wOF2'))).toThrow(FontFormatError);
  });
});
