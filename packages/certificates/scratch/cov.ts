import { loadFont } from '../src/fonts.ts';
const noto = loadFont({ path: '/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc' });
const wqy = loadFont({ path: '/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc' });
for (const s of ['𠮷', '䶮', '龑', '堃', '喆', '玥', '赟', '\u{E000}', '😀', '·', '買買提']) console.log(JSON.stringify(s), 'noto', noto.missingCharacters(s), 'wqy', wqy.missingCharacters(s));
console.log(noto.postscriptName, wqy.postscriptName);
