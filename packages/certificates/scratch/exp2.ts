import * as fontkit from 'fontkit';
import { readFileSync } from 'node:fs';
import { TrueTypeFont } from '../src/truetype.ts';
const buf = readFileSync('/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc');
const fk: any = fontkit.create(buf, 'WenQuanYiZenHei');
const tt = new TrueTypeFont(buf, 'WenQuanYiZenHei');
for (const k of ['postscriptName','unitsPerEm','ascent','descent','lineGap','capHeight','xHeight','italicAngle']) console.log(k, fk[k], (tt as any)[k]);
console.log(fk.bbox, tt.bbox, fk['OS/2'].sFamilyClass, tt['OS/2'], fk.post.isFixedPitch, fk.head.macStyle.italic);
const text = '职业技能等级证书 欧阳明轩 141002********1234 ABCxyz 0123-()（）：，。𠮷䶮';
const r1 = fk.layout(text); const r2 = tt.layout(text);
let diff = 0;
r1.glyphs.forEach((g: any, i: number) => { const h = r2.glyphs[i]!; if (g.id !== h.id || g.advanceWidth !== h.advanceWidth || r1.positions[i].xAdvance !== r2.positions[i]!.xAdvance) { diff++; console.log('diff', i, g.id, h.id, g.advanceWidth, h.advanceWidth, r1.positions[i], r2.positions[i]); } });
console.log('glyphs', r1.glyphs.length, r2.glyphs.length, 'diff', diff, r1.advanceWidth, r2.advanceWidth);
console.log(tt.missingCharacters(text));
// check all cmap
let mism = 0; for (let cp = 0; cp < 0x30000; cp++) { const a = fk.glyphForCodePoint(cp).id; const b = tt.glyphIdOf(cp); if (a !== b) { mism++; if (mism < 5) console.log('cmap mismatch', cp.toString(16), a, b); } }
console.log('cmap mismatches', mism, 'numGlyphs', fk.numGlyphs, tt.numGlyphs);
let compound = 0; for (let g = 0; g < tt.numGlyphs; g++) { const d = tt.glyphData(g); if (d.length >= 10 && (d[0]! & 0x80)) compound++; } console.log('composites', compound);
