/**
 * Hostile files at the roster upload, built here with node:zlib: an XLSX decompression bomb
 * (sharedStrings.xml inflating to hundreds of MB), zip entries with path traversal names, a CSV with
 * NUL bytes, a body over the size cap, wrong content types, and three bombs at once. Every answer
 * must be a 4xx; the API's memory is watched when its pid is known.
 */
import { existsSync, readFileSync } from 'node:fs';
import { constants, crc32, createDeflateRaw, deflateRawSync } from 'node:zlib';
import type { Attack, HttpAnswer } from './client.ts';
import { rawIdOf, type Session } from './matrix.ts';

interface ZipEntry {
  name: string;
  /** Raw-deflated bytes, their CRC-32 and the inflated size. */
  data: Buffer;
  crc: number;
  size: number;
}

function entry(name: string, content: string | Buffer): ZipEntry {
  const raw = Buffer.from(content);
  return { name, data: deflateRawSync(raw, { level: 9 }), crc: crc32(raw), size: raw.length };
}

/** `repeat` copies of `chunk` between `head` and `tail`, deflated as a stream (never held inflated). */
async function bombEntry(name: string, head: string, chunk: string, repeat: number, tail: string): Promise<ZipEntry> {
  const deflate = createDeflateRaw({ level: constants.Z_BEST_COMPRESSION, memLevel: 9 });
  const out: Buffer[] = [];
  deflate.on('data', (c: Buffer) => out.push(c));
  const done = new Promise<void>((resolve, reject) => {
    deflate.on('end', resolve);
    deflate.on('error', reject);
  });
  let crc = 0;
  let size = 0;
  const write = async (b: Buffer) => {
    crc = crc32(b, crc);
    size += b.length;
    if (!deflate.write(b)) await new Promise((r) => deflate.once('drain', r));
  };
  await write(Buffer.from(head));
  const block = Buffer.from(chunk.repeat(Math.max(1, Math.floor((1 << 20) / chunk.length))));
  const per = Math.floor(block.length / chunk.length);
  for (let written = 0; written < repeat; written += per) await write(block);
  await write(Buffer.from(tail));
  deflate.end();
  await done;
  return { name, data: Buffer.concat(out), crc: crc >>> 0, size };
}

/** A zip archive (deflate, no data descriptors) of the entries, in order. */
export function zip(entries: ZipEntry[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name, 'utf8');
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(8, 8);
    local.writeUInt16LE(0, 10);
    local.writeUInt16LE(0x5a21, 12);
    local.writeUInt32LE(e.crc >>> 0, 14);
    local.writeUInt32LE(e.data.length, 18);
    local.writeUInt32LE(e.size >>> 0, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28);
    locals.push(local, name, e.data);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(8, 10);
    central.writeUInt16LE(0, 12);
    central.writeUInt16LE(0x5a21, 14);
    central.writeUInt32LE(e.crc >>> 0, 16);
    central.writeUInt32LE(e.data.length, 20);
    central.writeUInt32LE(e.size >>> 0, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    centrals.push(central, name);
    offset += 30 + name.length + e.data.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

const CONTENT_TYPES = `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>`;
const RELS = `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`;
const WORKBOOK = `<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="花名册" sheetId="1" r:id="rId1"/></sheets></workbook>`;
const WORKBOOK_RELS = `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>`;
const SHEET = `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row><row r="2"><c r="A2" t="s"><v>2</v></c><c r="B2" t="s"><v>3</v></c></row></sheetData></worksheet>`;
const SST_HEAD = '<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">';

/** An XLSX whose shared strings inflate to about `mb` MB of small strings. */
export async function xlsxBomb(mb: number, salt: string): Promise<Buffer> {
  const chunk = `<si><t>${'炸'.repeat(30)}${'A'.repeat(30)}</t></si>`;
  const repeat = Math.ceil((mb * 1024 * 1024) / Buffer.byteLength(chunk));
  const sst = await bombEntry('xl/sharedStrings.xml', `${SST_HEAD}<si><t>${salt}</t></si>`, chunk, repeat, '</sst>');
  return zip([
    entry('[Content_Types].xml', CONTENT_TYPES),
    entry('_rels/.rels', RELS),
    entry('xl/workbook.xml', WORKBOOK),
    entry('xl/_rels/workbook.xml.rels', WORKBOOK_RELS),
    sst,
    entry('xl/worksheets/sheet1.xml', SHEET),
  ]);
}

const TRAVERSAL_MARK = '/tmp/vtc-attack-zip-slip';

/** An XLSX whose extra entries are named to escape any directory they were extracted to. */
export function traversalZip(): Buffer {
  const sst = `${SST_HEAD}<si><t>姓名</t></si><si><t>身份证号</t></si><si><t>张三</t></si><si><t>x</t></si></sst>`;
  return zip([
    entry('[Content_Types].xml', CONTENT_TYPES),
    entry('../../../../../../../../tmp/vtc-attack-zip-slip', 'pwned'),
    entry('/tmp/vtc-attack-zip-slip-abs', 'pwned'),
    entry('..\\..\\..\\vtc-attack-zip-slip-win', 'pwned'),
    entry('_rels/.rels', RELS),
    entry('xl/workbook.xml', WORKBOOK),
    entry('xl/../../../xl/_rels/workbook.xml.rels', WORKBOOK_RELS),
    entry('xl/_rels/workbook.xml.rels', WORKBOOK_RELS),
    entry('xl/sharedStrings.xml', sst),
    entry('xl/worksheets/sheet1.xml', SHEET),
  ]);
}

/** Peak resident memory of a process, sampled every 200 ms while `run` runs (Linux /proc only). */
async function watchRss<T>(pid: number | undefined, run: () => Promise<T>): Promise<{ result: T; peakMb: number | null }> {
  if (!pid) return { result: await run(), peakMb: null };
  let peak = 0;
  const sample = () => {
    try {
      const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      if (m) peak = Math.max(peak, Number(m[1]) / 1024);
    } catch {
      // process gone or not Linux
    }
  };
  sample();
  const timer = setInterval(sample, 200);
  try {
    return { result: await run(), peakMb: peak || null };
  } finally {
    clearInterval(timer);
    sample();
  }
}

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export interface FileOptions {
  bombMb: number;
  pid?: number;
}

/** Upload hostile files as `s` to one of its DRAFT/REJECTED classes (or any class it sees). */
export async function hostileFiles(attack: Attack, s: Session, classId: string, o: FileOptions): Promise<void> {
  const post = (label: string, body: Buffer, type: string, extra: Record<string, string> = {}) =>
    attack.http('POST', `/rosters?classId=${encodeURIComponent(classId)}`, {
      headers: { authorization: `Bearer ${s.token}`, 'content-type': type, ...extra },
      body,
      as: s.username,
      describe: `POST /rosters ${label}`,
    });
  const expect4xx = (label: string, a: HttpAnswer) => {
    if (a.failed || a.status >= 500) return; // already a finding
    if (a.status < 400 || a.status >= 500) {
      attack.finding({ kind: 'note', what: 'file-accepted', as: s.username, sent: `POST /rosters ${label}`, got: `HTTP ${a.status} ${a.body.slice(0, 160)}` });
    }
  };
  const template = await attack.http('GET', '/rosters/template.csv', { describe: 'GET /rosters/template.csv' });
  const header = template.body.replace(/^\uFEFF/, '').split(/\r?\n/)[0] ?? '姓名,身份证号';
  const cols = header.split(',').length;

  const started = performance.now();
  const bomb = await xlsxBomb(o.bombMb, 'one');
  attack.log(
    `files: XLSX bomb ${(bomb.length / 1024).toFixed(0)} KB zipped, ~${o.bombMb} MB inflated (built in ${((performance.now() - started) / 1000).toFixed(1)} s)`,
  );
  const cases: Array<[string, Buffer, string, Record<string, string>?]> = [
    [`XLSX bomb (${o.bombMb} MB sharedStrings)`, bomb, XLSX, { 'x-file-name': 'bomb.xlsx' }],
    ['zip with path traversal entry names', traversalZip(), XLSX, { 'x-file-name': '../../../etc/passwd.xlsx' }],
    [
      'CSV with NUL bytes',
      Buffer.from(`${header}\n${Array.from({ length: cols }, (_, i) => `a\u0000b${i}`).join(',')}\n\u0000\u0000\u0000,${'\u0000'.repeat(100)}\n`),
      'text/csv',
    ],
    ['CSV of invalid UTF-8 and lone surrogates', Buffer.concat([Buffer.from(`${header}\n`), Buffer.from([0xff, 0xfe, 0xed, 0xa0, 0x80, 0x2c, 0xc0, 0xaf, 0x0a])]), 'text/csv'],
    ['CSV one 20 MB line', Buffer.from(`${header}\n"${'x'.repeat(20 * 1024 * 1024)}`), 'text/csv'],
    ['CSV with 100,000 columns', Buffer.from(`${',x'.repeat(100_000)}\n`), 'text/csv'],
    ['empty body', Buffer.alloc(0), 'text/csv'],
    ['wrong content type image/png', Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(64)]), 'image/png'],
    ['wrong content type application/json', Buffer.from('{"rows":[]}'), 'application/json'],
    ['XLSX bytes that are not a zip', Buffer.from('not a zip at all'), XLSX, { 'x-file-name': 'x.xlsx' }],
    ['truncated zip', bomb.subarray(0, Math.floor(bomb.length / 2)), XLSX],
    ['legacy .xls signature', Buffer.concat([Buffer.from('d0cf11e0a1b11ae1', 'hex'), Buffer.alloc(512)]), 'application/vnd.ms-excel'],
    ['x-file-name bad percent-encoding', Buffer.from(`${header}\n`), 'text/csv', { 'x-file-name': '%E0%A4%A.csv' }],
  ];
  for (const [label, body, type, extra] of cases) {
    if (!attack.has()) return;
    const { result, peakMb } = await watchRss(o.pid, () => post(label, body, type, extra));
    expect4xx(label, result);
    if (peakMb) attack.log(`files: ${label}: HTTP ${result.status}, API RSS peak ${peakMb.toFixed(0)} MB`);
  }
  for (const mark of [TRAVERSAL_MARK, `${TRAVERSAL_MARK}-abs`]) {
    if (existsSync(mark)) attack.finding({ kind: 'leak', what: 'zip-slip', as: s.username, sent: 'zip with path traversal entry names', got: `${mark} was written` });
  }
  // Over the size cap (30 MB), declared and streamed.
  if (attack.has()) {
    const over = await post('body over the 30 MB cap', Buffer.alloc(31 * 1024 * 1024, 0x41), 'text/csv');
    if (!over.failed && over.status !== 413 && over.status < 500) attack.finding({ kind: 'note', what: 'size-cap', as: s.username, sent: 'POST /rosters 31 MB', got: `HTTP ${over.status}` });
  }
  // Three different bombs at once.
  if (attack.has(3)) {
    const bombs = await Promise.all(['two', 'three', 'four'].map((salt) => xlsxBomb(o.bombMb, salt)));
    const { result, peakMb } = await watchRss(o.pid, () =>
      Promise.all(bombs.map((b, i) => post(`XLSX bomb ${i + 2} of 3 at once`, b, XLSX, { 'x-file-name': `bomb-${i}.xlsx` }))),
    );
    for (const [i, a] of result.entries()) expect4xx(`XLSX bomb ${i + 2} of 3 at once`, a);
    attack.log(`files: 3 bombs at once: HTTP ${result.map((a) => a.status || a.failed).join(', ')}${peakMb ? `, API RSS peak ${peakMb.toFixed(0)} MB` : ''}`);
    if (peakMb && peakMb > 1024) {
      attack.finding({ kind: 'note', what: 'memory', as: s.username, sent: `3 XLSX bombs of ${o.bombMb} MB at once`, got: `API RSS peak ${peakMb.toFixed(0)} MB` });
    }
  }
  // Without a token, and to a class that does not exist.
  await attack.http('POST', `/rosters?classId=${encodeURIComponent(classId)}`, { headers: { 'content-type': 'text/csv' }, body: `${header}\n`, describe: 'POST /rosters without a token' });
  await attack.http('POST', '/rosters?classId=%E0%A4%A', { headers: { authorization: `Bearer ${s.token}`, 'content-type': 'text/csv' }, body: `${header}\n`, as: s.username, describe: 'POST /rosters bad percent-encoded classId' });
  await attack.http('POST', '/contributions?regionCode=%ff', { headers: { authorization: `Bearer ${s.token}`, 'content-type': 'text/csv' }, body: `${header}\n`, as: s.username, describe: 'POST /contributions as an institution, bad regionCode' });
}

/** A file route answer for an id: the roster upload of a class, the PDF of a certificate. */
export function fileProbe(attack: Attack) {
  return async (s: Session, type: string, id: string): Promise<string | null> => {
    if (type === 'Certificate') {
      const raw = rawIdOf(id);
      if (!raw) return null;
      const a = await attack.http('GET', `/certificates/${raw}.pdf`, { headers: { authorization: `Bearer ${s.token}` }, as: s.username, describe: `GET /certificates/${raw.slice(0, 8)}….pdf` });
      return `HTTP ${a.status}`;
    }
    if (type === 'TrainingClass') {
      const a = await attack.http('POST', `/rosters?classId=${encodeURIComponent(id)}`, {
        headers: { authorization: `Bearer ${s.token}`, 'content-type': 'text/csv' },
        body: '姓名,身份证号\n',
        as: s.username,
        describe: 'POST /rosters?classId=<foreign class>',
      });
      return `HTTP ${a.status}`;
    }
    return null;
  };
}
