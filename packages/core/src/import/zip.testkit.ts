import { once } from 'node:events';
import { crc32, createDeflateRaw, deflateRawSync } from 'node:zlib';

/**
 * For tests: zip archives built byte by byte, honest or hostile (decompression bombs, parts hidden
 * from the directory, path traversal), and a minimal .xlsx around them. A part's data is deflated as
 * it is generated, so a test can build a bomb of hundreds of megabytes in a few hundred kilobytes of
 * memory.
 */
export interface ZipPart {
  name: string;
  /** Deflated bytes, the inflated size and CRC-32. */
  deflated: Buffer;
  size: number;
  crc: number;
  /** The uncompressed size written in the headers (default: the true size). */
  declaredSize?: number;
}

/** A part from text or bytes. */
export function part(name: string, data: string | Buffer): ZipPart {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  return { name, deflated: deflateRawSync(bytes), size: bytes.length, crc: crc32(bytes) };
}

/** A part of `head`, then `unit` repeated `times`, then `tail`, deflated as it streams (never held inflated). */
export async function repeatedPart(name: string, head: string, unit: string, times: number, tail: string): Promise<ZipPart> {
  const deflate = createDeflateRaw({ level: 9 });
  const out: Buffer[] = [];
  deflate.on('data', (c: Buffer) => out.push(c));
  const block = Buffer.from(unit.repeat(Math.max(1, Math.floor(65_536 / unit.length))), 'utf8');
  const unitBytes = Buffer.byteLength(unit);
  let size = 0;
  let crc = 0;
  const write = async (b: Buffer) => {
    size += b.length;
    crc = crc32(b, crc);
    if (!deflate.write(b)) await once(deflate, 'drain');
  };
  await write(Buffer.from(head, 'utf8'));
  const perBlock = block.length / unitBytes;
  let left = times;
  while (left >= perBlock) {
    await write(block);
    left -= perBlock;
  }
  if (left > 0) await write(Buffer.from(unit.repeat(left), 'utf8'));
  await write(Buffer.from(tail, 'utf8'));
  deflate.end();
  await once(deflate, 'end');
  return { name, deflated: Buffer.concat(out), size, crc };
}

/** A zip of `parts`, local headers back to back, then the central directory. `hidden` parts get no directory entry. */
export function zipOf(parts: readonly ZipPart[], options: { hidden?: readonly string[] } = {}): Buffer {
  const locals: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const p of parts) {
    const name = Buffer.from(p.name, 'utf8');
    const declared = p.declaredSize ?? p.size;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(p.crc, 14);
    local.writeUInt32LE(p.deflated.length, 18);
    local.writeUInt32LE(declared, 22);
    local.writeUInt16LE(name.length, 26);
    locals.push(local, name, p.deflated);
    if (!options.hidden?.includes(p.name)) {
      const c = Buffer.alloc(46);
      c.writeUInt32LE(0x02014b50, 0);
      c.writeUInt16LE(20, 4);
      c.writeUInt16LE(20, 6);
      c.writeUInt16LE(0x0800, 8);
      c.writeUInt16LE(8, 10);
      c.writeUInt32LE(p.crc, 16);
      c.writeUInt32LE(p.deflated.length, 20);
      c.writeUInt32LE(declared, 24);
      c.writeUInt16LE(name.length, 28);
      c.writeUInt32LE(offset, 42);
      central.push(c, name);
    }
    offset += 30 + name.length + p.deflated.length;
  }
  const directory = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  const count = parts.length - (options.hidden?.length ?? 0);
  end.writeUInt16LE(count, 8);
  end.writeUInt16LE(count, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

/** The parts of a one-sheet workbook whose cells are shared strings; replace or add parts to make it hostile. */
export function xlsxParts(rows: readonly (readonly string[])[]): ZipPart[] {
  const strings: string[] = [];
  const index = (s: string) => {
    const at = strings.indexOf(s);
    return at >= 0 ? at : strings.push(s) - 1;
  };
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  const sheetRows = rows
    .map((cells, r) => `<row r="${r + 1}">${cells.map((c, i) => `<c r="${String.fromCharCode(65 + i)}${r + 1}" t="s"><v>${index(c)}</v></c>`).join('')}</row>`)
    .join('');
  const ns = 'http://schemas.openxmlformats.org';
  return [
    part(
      '[Content_Types].xml',
      `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="${ns}/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>`,
    ),
    part(
      '_rels/.rels',
      `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="${ns}/package/2006/relationships"><Relationship Id="rId1" Type="${ns}/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
    ),
    part(
      'xl/workbook.xml',
      `<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="${ns}/spreadsheetml/2006/main" xmlns:r="${ns}/officeDocument/2006/relationships"><sheets><sheet name="花名册" sheetId="1" r:id="rId1"/></sheets></workbook>`,
    ),
    part(
      'xl/_rels/workbook.xml.rels',
      `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="${ns}/package/2006/relationships"><Relationship Id="rId1" Type="${ns}/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="${ns}/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>`,
    ),
    part(
      'xl/sharedStrings.xml',
      `<?xml version="1.0" encoding="UTF-8"?><sst xmlns="${ns}/spreadsheetml/2006/main">${strings.map((s) => `<si><t>${esc(s)}</t></si>`).join('')}</sst>`,
    ),
    part('xl/worksheets/sheet1.xml', `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="${ns}/spreadsheetml/2006/main"><sheetData>${sheetRows}</sheetData></worksheet>`),
  ];
}

/** The shared-strings part of a bomb: `count` short strings (23 bytes of XML each), e.g. 10,000,000 → 230 MB. */
export function sharedStringsBomb(count: number): Promise<ZipPart> {
  return repeatedPart(
    'xl/sharedStrings.xml',
    '<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">',
    '<si><t>张三丰</t></si>',
    count,
    '</sst>',
  );
}

/** `parts` with the one named like `replacement` swapped for it. */
export function withPart(parts: readonly ZipPart[], replacement: ZipPart): ZipPart[] {
  return parts.map((p) => (p.name === replacement.name ? replacement : p));
}
