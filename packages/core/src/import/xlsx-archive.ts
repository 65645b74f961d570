import { createInflateRaw } from 'node:zlib';
import { tooLargeUncompressed, unsafeArchive, XLSX_LIMITS } from '@vtc/domain';

/**
 * The zip archive of an .xlsx upload, checked before exceljs reads it (exceljs inflates every part
 * through unzipper without any size limit, and caches the whole shared-strings part in memory).
 *
 * 1. The central directory (what a zip says it holds): at most XLSX_LIMITS.maxEntries parts, names
 *    without absolute paths, "..", backslashes or drive letters, no duplicates, no encryption, no
 *    ZIP64, deflate or stored only; declared sizes within XLSX_LIMITS (all parts, the shared strings,
 *    the compression ratio).
 * 2. The local headers (what unzipper, reading the archive front to back, actually sees): they must be
 *    exactly the directory's entries, back to back from the first byte to the directory, with the same
 *    names, methods and sizes, so no part can hide from step 1.
 * 3. The bytes: every part is inflated here, counted and thrown away as it streams (memory stays at
 *    zlib's window), and refused the moment it inflates beyond what the directory declared. A zip that
 *    understates its sizes is refused as a bomb; exceljs then inflates the very same bytes, so it
 *    reads no more than was checked.
 * Refusals are DomainErrors (FILE_TOO_LARGE_UNCOMPRESSED, UNSAFE_ARCHIVE); a broken archive throws a
 * plain Error, which the reader reports as unreadable.
 */

interface ZipEntry {
  name: string;
  rawName: Buffer;
  flags: number;
  method: number;
  compressedSize: number;
  uncompressedSize: number;
  localOffset: number;
}

const EOCD = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const DESCRIPTOR = 0x08074b50;
const ZIP64_MARK = 0xffffffff;

class Broken extends Error {}

const u16 = (b: Buffer, at: number) => {
  if (at + 2 > b.length) throw new Broken('zip: truncated');
  return b.readUInt16LE(at);
};
const u32 = (b: Buffer, at: number) => {
  if (at + 4 > b.length) throw new Broken('zip: truncated');
  return b.readUInt32LE(at);
};

/** Refuses `content` (a zip) unless it is safe to hand to the workbook reader; see above. */
export async function assertSafeXlsxArchive(content: Buffer, limits: typeof XLSX_LIMITS = XLSX_LIMITS): Promise<void> {
  const { entries, directoryOffset } = centralDirectory(content, limits);
  checkLocalHeaders(content, entries, directoryOffset);
  for (const entry of entries) await checkInflatedSize(content, entry);
}

function centralDirectory(content: Buffer, limits: typeof XLSX_LIMITS): { entries: ZipEntry[]; directoryOffset: number } {
  const eocd = content.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (eocd < 0 || content.length - eocd > 22 + 0xffff || u32(content, eocd) !== EOCD) throw new Broken('zip: no end of central directory');
  if (eocd >= 20 && content.readUInt32LE(eocd - 20) === ZIP64_LOCATOR) throw unsafeArchive({ zh: 'ZIP64 格式', en: 'ZIP64 archive' });
  const count = u16(content, eocd + 10);
  const size = u32(content, eocd + 12);
  const offset = u32(content, eocd + 16);
  if (u16(content, eocd + 4) !== 0 || u16(content, eocd + 6) !== 0 || u16(content, eocd + 8) !== count) {
    throw unsafeArchive({ zh: '分卷压缩包', en: 'multi-part archive' });
  }
  if (count === 0xffff || size === ZIP64_MARK || offset === ZIP64_MARK) throw unsafeArchive({ zh: 'ZIP64 格式', en: 'ZIP64 archive' });
  if (count > limits.maxEntries) {
    throw unsafeArchive({ zh: `包含${count}个部件,超过${limits.maxEntries}个`, en: `${count} parts, more than ${limits.maxEntries}` });
  }
  if (offset + size > eocd) throw new Broken('zip: directory out of range');

  const entries: ZipEntry[] = [];
  const names = new Set<string>();
  let total = 0;
  let at = offset;
  for (let i = 0; i < count; i++) {
    if (u32(content, at) !== CENTRAL) throw new Broken('zip: bad directory entry');
    const nameLength = u16(content, at + 28);
    const rawName = content.subarray(at + 46, at + 46 + nameLength);
    const entry: ZipEntry = {
      name: rawName.toString('utf8'),
      rawName,
      flags: u16(content, at + 8),
      method: u16(content, at + 10),
      compressedSize: u32(content, at + 20),
      uncompressedSize: u32(content, at + 24),
      localOffset: u32(content, at + 42),
    };
    at += 46 + nameLength + u16(content, at + 30) + u16(content, at + 32);
    if (at > offset + size) throw new Broken('zip: directory overruns');

    if (entry.compressedSize === ZIP64_MARK || entry.uncompressedSize === ZIP64_MARK || entry.localOffset === ZIP64_MARK) {
      throw unsafeArchive({ zh: 'ZIP64 格式', en: 'ZIP64 archive' });
    }
    if (entry.flags & 0x0001) throw unsafeArchive({ zh: '已加密', en: 'encrypted' });
    if (entry.method !== 0 && entry.method !== 8) throw unsafeArchive({ zh: `压缩方式${entry.method}`, en: `compression method ${entry.method}` });
    if (!safePath(entry.name)) throw unsafeArchive({ zh: '部件路径越界', en: 'a part path leaves the archive' });
    if (names.has(entry.name.toLowerCase())) throw unsafeArchive({ zh: '部件名称重复', en: 'a part name repeats' });
    names.add(entry.name.toLowerCase());
    if (entry.method === 0 && entry.compressedSize !== entry.uncompressedSize) throw new Broken('zip: stored sizes differ');

    total += entry.uncompressedSize;
    const sharedStrings = entry.name.toLowerCase() === 'xl/sharedstrings.xml';
    const ratio = entry.uncompressedSize > limits.ratioFloorBytes && entry.uncompressedSize > entry.compressedSize * limits.maxRatio;
    if (total > limits.maxUncompressedBytes || ratio || (sharedStrings && entry.uncompressedSize > limits.maxSharedStringsBytes)) {
      throw tooLargeUncompressed();
    }
    entries.push(entry);
  }
  return { entries, directoryOffset: offset };
}

/** No absolute path, drive letter, backslash, NUL or ".." segment. */
function safePath(name: string): boolean {
  if (name === '' || name.startsWith('/') || /[\\\0]/.test(name) || /^[a-z]:/i.test(name)) return false;
  return name.split('/').every((segment) => segment !== '..');
}

/** The local headers are the directory's entries, back to back, from byte 0 to the directory. */
function checkLocalHeaders(content: Buffer, entries: readonly ZipEntry[], directoryOffset: number): void {
  const hidden = () => unsafeArchive({ zh: '含有目录中未列出的内容', en: 'it holds data its directory does not list' });
  let expected = 0;
  for (const entry of [...entries].sort((a, b) => a.localOffset - b.localOffset)) {
    const at = entry.localOffset;
    if (at !== expected || u32(content, at) !== LOCAL) throw hidden();
    const flags = u16(content, at + 6);
    const nameLength = u16(content, at + 26);
    const localCompressed = u32(content, at + 18);
    const localUncompressed = u32(content, at + 22);
    const sizesLater = (flags & 0x0008) !== 0 && localCompressed === 0 && localUncompressed === 0;
    if (
      u16(content, at + 8) !== entry.method ||
      !content.subarray(at + 30, at + 30 + nameLength).equals(entry.rawName) ||
      (!sizesLater && (localCompressed !== entry.compressedSize || localUncompressed !== entry.uncompressedSize))
    ) {
      throw hidden();
    }
    let end = at + 30 + nameLength + u16(content, at + 28) + entry.compressedSize;
    if (flags & 0x0008) end += content.length >= end + 4 && content.readUInt32LE(end) === DESCRIPTOR ? 16 : 12;
    expected = end;
  }
  if (expected !== directoryOffset) throw hidden();
}

function dataOf(content: Buffer, entry: ZipEntry): Buffer {
  const at = entry.localOffset;
  const start = at + 30 + u16(content, at + 26) + u16(content, at + 28);
  return content.subarray(start, start + entry.compressedSize);
}

/** Inflates the part, counting and discarding the output; refuses it once it passes its declared size. */
function checkInflatedSize(content: Buffer, entry: ZipEntry): Promise<void> {
  if (entry.method === 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const inflate = createInflateRaw();
    let inflated = 0;
    inflate.on('data', (chunk: Buffer) => {
      inflated += chunk.length;
      if (inflated > entry.uncompressedSize) {
        inflate.destroy();
        reject(tooLargeUncompressed());
      }
    });
    inflate.on('end', () => (inflated === entry.uncompressedSize ? resolve() : reject(new Broken('zip: size differs from directory'))));
    inflate.on('error', () => reject(new Broken('zip: bad deflate data')));
    inflate.end(dataOf(content, entry));
  });
}
