import { readFileSync } from 'node:fs';
import { TrueTypeFont } from '../src/truetype.ts';
const font = new TrueTypeFont(readFileSync('/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc'), 'WenQuanYiZenHei');
const s = font.createSubset(); s.includeGlyph(100);
const out = s.encode();
const v = new DataView(out.buffer, out.byteOffset, out.byteLength);
let sum = 0; for (let i = 0; i < out.length; i += 4) sum = (sum + v.getUint32(i)) >>> 0;
console.log(out.length, out.length % 4, sum.toString(16), out.byteOffset, out.buffer.byteLength);
const n = v.getUint16(4);
for (let i = 0; i < n; i++) { const r = 12 + 16 * i; console.log(String.fromCharCode(...out.subarray(r, r + 4)), v.getUint32(r + 8), v.getUint32(r + 12)); }
const ho = 12 + 16 * n; 
const adj = v.getUint32(324 + 8); console.log('adj', adj.toString(16));
const copy = out.slice(); new DataView(copy.buffer).setUint32(332, 0);
let s0 = 0; const cv = new DataView(copy.buffer); for (let i = 0; i < copy.length; i += 4) s0 = (s0 + cv.getUint32(i)) >>> 0;
console.log('s0', s0.toString(16), 'expected adj', ((0xb1b0afba - s0) >>> 0).toString(16));
