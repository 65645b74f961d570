import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { decodeGlobalID, encodeGlobalID } from '@pothos/plugin-relay';
import { configWith } from '@vtc/config';
import { makeResidentId } from '@vtc/domain';
import { type RunningWorker, startWorker } from '../../../worker/src/index.ts';
import ExcelJS from 'exceljs';
import { gzipSync } from 'node:zlib';
import { part, sharedStringsBomb, withPart, xlsxParts, zipOf } from '../../../../packages/core/src/import/zip.testkit.ts';
import { createFixtures, type Fixtures, startTestApi, type TestApi } from '../testing.ts';

/**
 * Roster files over HTTP (/rosters) and import progress over GraphQL, against the real Postgres and
 * Redis; the large import runs through the real worker (outbox relay → BullMQ → handler).
 */
let api: TestApi;
let fx: Fixtures;
let staff1: string;
let staff2: string;
let bureau: string;
let occupationId: string;
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

const id = (seq: number, birthDate = '1991-04-12', regionCode = '141002') => makeResidentId({ regionCode, birthDate, sequence: seq });
const csv = (lines: string[]) => Buffer.from(`\ufeff${lines.join('\r\n')}\r\n`, 'utf8');

let classSeq = 0;
async function draftClass(capacity = 40): Promise<{ id: string; gid: string }> {
  classSeq += 1;
  const c = await api.prisma.trainingClass.create({
    data: {
      code: `PX-ROSTER-${classSeq}`,
      name: `花名册接口测试班${classSeq}`,
      institutionId: fx.institution1,
      regionCode: '141002',
      occupationId,
      level: 'LEVEL_4',
      trainingType: 'EMPLOYMENT_SKILLS',
      plannedHours: 80,
      startDate: new Date('2026-12-01T00:00:00Z'),
      endDate: new Date('2026-12-30T00:00:00Z'),
      venue: '教学楼 301',
      capacity,
    },
  });
  return { id: c.id, gid: encodeGlobalID('TrainingClass', c.id) };
}

interface UploadBody {
  importId?: string;
  status?: string;
  totalRows?: number;
  acceptedRows?: number;
  rejectedRows?: number;
  reused?: boolean;
  errors?: Array<{ row: number; field: string | null; code: string; message: string; messageZh: string }>;
  error?: { code: string; reason?: string; field?: string; row?: number; message: string; messageZh: string };
}

async function post(classGid: string | null, body: Buffer, opts: { token?: string | null; type?: string; name?: string } = {}) {
  const res = await fetch(`${api.url}/rosters${classGid === null ? '' : `?classId=${encodeURIComponent(classGid)}`}`, {
    method: 'POST',
    headers: {
      'content-type': opts.type ?? 'text/csv',
      ...(opts.token === null ? {} : { authorization: `Bearer ${opts.token ?? staff1}` }),
      ...(opts.name ? { 'x-file-name': encodeURIComponent(opts.name) } : {}),
    },
    body: new Uint8Array(body),
  });
  return { status: res.status, body: (await res.json()) as UploadBody };
}

const IMPORT_QUERY = `query($id: ID!, $first: Int, $after: String) { rosterImport(id: $id) {
  id status percent fileName totalRows processedRows acceptedRows rejectedRows createdAt finishedAt
  class { number }
  errors(first: $first, after: $after) { pageInfo { hasNextPage endCursor } edges { node { row field code message messageZh } } } } }`;

interface ImportView {
  status: string;
  percent: number;
  fileName: string;
  totalRows: number;
  processedRows: number;
  acceptedRows: number;
  rejectedRows: number;
  finishedAt: string | null;
  class: { number: string };
  errors: { pageInfo: { hasNextPage: boolean; endCursor: string }; edges: Array<{ node: { row: number; field: string; code: string } }> };
}

beforeAll(async () => {
  api = await startTestApi('roster_http');
  fx = await createFixtures(api.prisma, api.config);
  occupationId = (await api.prisma.occupation.findFirstOrThrow()).id;
  [staff1, staff2, bureau] = await Promise.all([api.login('institution1'), api.login('institution2'), api.login('linfen.bureau')]);
});

afterAll(async () => {
  await api?.stop();
});

describe('roster templates', () => {
  it('serves the CSV template (UTF-8 with BOM) and the XLSX template without login', async () => {
    const c = await fetch(`${api.url}/rosters/template.csv`);
    expect(c.status).toBe(200);
    expect(c.headers.get('content-type')).toContain('text/csv');
    expect(c.headers.get('content-disposition')).toContain("filename*=UTF-8''%E8%8A%B1%E5%90%8D%E5%86%8C");
    const bytes = Buffer.from(await c.arrayBuffer());
    expect(bytes.toString('utf8')).toBe('\ufeff姓名,身份证号,手机号,户籍类型,重点群体\r\n');

    const x = await fetch(`${api.url}/rosters/template.xlsx`);
    expect(x.status).toBe(200);
    expect(x.headers.get('content-type')).toBe(XLSX);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await x.arrayBuffer()) as never);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['花名册', '说明']);
  });
});

describe('roster upload', () => {
  it('imports a small CSV in the request and lists rejected rows by sheet row number and field', async () => {
    const klass = await draftClass();
    const badCheck = `${id(1).slice(0, 17)}${id(1).endsWith('0') ? '1' : '0'}`;
    const file = csv([
      'name,idNumber,phone,householdType,priorityGroups,备注',
      `刘洋,${id(1)},13812345678,农村,农民工,`,
      `陈静,${badCheck},,,,`,
      `林木,${id(3, '2027-02-01')},,,,`,
      `郭敏,${id(4, '1968-01-01')},,,,`,
      `刘海,${id(1)},,,,`,
      `黄河,${id(7)},138,,,`,
      `何平,${id(9)},,,外来人员,`,
      `,${id(11)},,,,`,
      `阿依古丽·买买提,${id(12, '1996-07-01')},,城镇,,x`,
    ]);
    const r = await post(
      klass.gid,
      file,
      { name: '第一期花名册.csv' },
    );
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ status: 'SUCCEEDED', totalRows: 9, acceptedRows: 2, rejectedRows: 7, reused: false });
    expect(r.body.errors!.map((e) => [e.row, e.field, e.code])).toEqual([
      [3, 'idNumber', 'CHECKSUM'],
      [4, 'idNumber', 'BIRTH_DATE_FUTURE'],
      [5, 'idNumber', 'WORKING_AGE'],
      [6, 'idNumber', 'DUPLICATE_IN_FILE'],
      [7, 'phone', 'FORMAT'],
      [8, 'priorityGroups', 'UNKNOWN'],
      [9, 'name', 'REQUIRED'],
    ]);
    expect(decodeGlobalID(r.body.importId!).typename).toBe('RosterImport');

    // The same file again: the same import, nothing new.
    const enrollments = await api.prisma.enrollment.count();
    const again = await post(klass.gid, file);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ importId: r.body.importId, reused: true, acceptedRows: 2 });
    expect(await api.prisma.enrollment.count()).toBe(enrollments);

    // Progress and errors over GraphQL, paged; another institution cannot see the import.
    const q = await api.gql<{ rosterImport: ImportView }>(IMPORT_QUERY, { id: r.body.importId, first: 3 }, staff1);
    expect(q.errors).toBeUndefined();
    expect(q.data!.rosterImport).toMatchObject({
      status: 'SUCCEEDED',
      percent: 100,
      fileName: '第一期花名册.csv',
      totalRows: 9,
      processedRows: 9,
      acceptedRows: 2,
      rejectedRows: 7,
      class: { number: 'PX-ROSTER-1' },
    });
    expect(q.data!.rosterImport.errors.edges.map((e) => e.node.row)).toEqual([3, 4, 5]);
    const page2 = await api.gql<{ rosterImport: ImportView }>(
      IMPORT_QUERY,
      { id: r.body.importId, first: 10, after: q.data!.rosterImport.errors.pageInfo.endCursor },
      staff1,
    );
    expect(page2.data!.rosterImport.errors.edges.map((e) => e.node.row)).toEqual([6, 7, 8, 9]);
    expect((await api.gql(IMPORT_QUERY, { id: r.body.importId }, staff2)).data).toEqual({ rosterImport: null });
    expect((await api.gql<{ rosterImport: ImportView }>(IMPORT_QUERY, { id: r.body.importId }, bureau)).data!.rosterImport.status).toBe(
      'SUCCEEDED',
    );
  });

  it('imports an XLSX the same way', async () => {
    const klass = await draftClass();
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('花名册');
    ws.addRow(['身份证号', '姓名', '手机号']);
    ws.addRow([id(21), '赵雷', '0357-2345678']);
    ws.addRow([id(23), '钱电', 'abc']);
    const r = await post(klass.gid, Buffer.from(await wb.xlsx.writeBuffer()), { type: XLSX, name: 'roster.xlsx' });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ status: 'SUCCEEDED', acceptedRows: 1, rejectedRows: 1 });
    expect(r.body.errors!.map((e) => [e.row, e.field, e.code])).toEqual([[3, 'phone', 'FORMAT']]);
  });

  it('refuses without login, another institution, a bureau and a class past DRAFT/REJECTED', async () => {
    const klass = await draftClass();
    const file = csv(['姓名,身份证号', `周全,${id(31)}`]);
    expect((await post(klass.gid, file, { token: null })).status).toBe(401);
    const other = await post(klass.gid, file, { token: staff2 });
    expect(other).toMatchObject({ status: 404, body: { error: { code: 'NOT_FOUND' } } });
    const byBureau = await post(klass.gid, file, { token: bureau });
    expect(byBureau).toMatchObject({ status: 403, body: { error: { code: 'FORBIDDEN' } } });
    expect(byBureau.body.error!.messageZh).toContain('培训机构');
    const running = await post(encodeGlobalID('TrainingClass', fx.classA), file);
    expect(running).toMatchObject({ status: 409, body: { error: { code: 'INVALID_TRANSITION' } } });
    expect(await api.prisma.rosterImport.count({ where: { classId: { in: [klass.id, fx.classA] } } })).toBe(0);
  });

  it('refuses bad requests and bad files with one clear error', async () => {
    const klass = await draftClass();
    expect((await post(null, csv(['姓名,身份证号']))).status).toBe(400);
    expect((await post(encodeGlobalID('Person', fx.personA), csv(['姓名,身份证号']))).status).toBe(400);
    expect((await post(klass.gid, Buffer.from('{}'), { type: 'application/json' })).status).toBe(415);

    const missing = await post(klass.gid, csv(['姓名,手机号', '张三,13800001234']));
    expect(missing).toMatchObject({ status: 422, body: { error: { code: 'VALIDATION', reason: 'MISSING_COLUMNS' } } });
    expect(missing.body.error!.messageZh).toContain('身份证号');

    const garbage = await post(klass.gid, randomBytes(4096), { type: XLSX, name: 'roster.xlsx' });
    expect(garbage).toMatchObject({ status: 422, body: { error: { reason: 'UNREADABLE' } } });

    const tooMany = csv(['姓名,身份证号', ...Array.from({ length: 100_001 }, () => `张三,${id(41)}`)]);
    const many = await post(klass.gid, tooMany);
    expect(many).toMatchObject({ status: 422, body: { error: { reason: 'TOO_MANY_ROWS' } } });
    expect(many.body.error!.messageZh).toContain('100000');

    const huge = await post(klass.gid, Buffer.alloc(30 * 1024 * 1024 + 1, 0x41));
    expect(huge).toMatchObject({ status: 413, body: { error: { code: 'PAYLOAD_TOO_LARGE' } } });
    expect(await api.prisma.rosterImport.count({ where: { classId: klass.id } })).toBe(0);
  });
});

describe('hostile uploads', () => {
  const rows = () => [
    ['姓名', '身份证号'],
    ['孙悟', id(61)],
  ];

  it('refuses three decompression bombs at once with 422, and the process does not grow by their size', async () => {
    const klass = await draftClass();
    const honest = await sharedStringsBomb(10_000_000); // 230 MB of shared strings in a few hundred KB
    const bombs = [
      zipOf(withPart(xlsxParts(rows()), honest)),
      zipOf(withPart(xlsxParts(rows()), { ...honest, declaredSize: 40_000 })), // understates its size
      zipOf(withPart(xlsxParts(rows()), honest)),
    ];
    const before = process.memoryUsage().rss;
    const answers = await Promise.all([
      ...bombs.map((b, i) => post(klass.gid, b, { type: XLSX, name: `bomb${i}.xlsx` })),
      fetch(`${api.url}/contributions?regionCode=141000`, {
        method: 'POST',
        headers: { 'content-type': XLSX, authorization: `Bearer ${bureau}` },
        body: new Uint8Array(bombs[0]!),
      }).then(async (res) => ({ status: res.status, body: (await res.json()) as UploadBody })),
    ]);
    const grown = process.memoryUsage().rss - before;
    for (const a of answers) {
      expect(a).toMatchObject({ status: 422, body: { error: { code: 'VALIDATION', reason: 'FILE_TOO_LARGE_UNCOMPRESSED', field: 'file' } } });
      expect(a.body.error!.messageZh).toContain('解压后过大');
    }
    expect(grown).toBeLessThan(150 * 1024 * 1024);
    expect(await api.prisma.rosterImport.count({ where: { classId: klass.id } })).toBe(0);
    expect(await api.prisma.contributionImport.count()).toBe(0);
  });

  it('refuses unsafe archives (422) and compressed files (415), saving nothing', async () => {
    const klass = await draftClass();
    const traversal = await post(klass.gid, zipOf([...xlsxParts(rows()), part('../../../tmp/evil.sh', 'echo')]), { type: XLSX });
    expect(traversal).toMatchObject({ status: 422, body: { error: { code: 'VALIDATION', reason: 'UNSAFE_ARCHIVE', field: 'file' } } });
    const gz = await post(klass.gid, gzipSync(csv(['姓名,身份证号', `孙悟,${id(61)}`])), { type: 'application/octet-stream', name: 'roster.csv.gz' });
    expect(gz).toMatchObject({ status: 415, body: { error: { code: 'VALIDATION', reason: 'UNSUPPORTED_FORMAT' } } });
    expect(await api.prisma.rosterImport.count({ where: { classId: klass.id } })).toBe(0);
  });

  it('refuses file names with direction overrides or nothing visible, naming the field; keeps honest names in NFC', async () => {
    const klass = await draftClass();
    const file = csv(['姓名,身份证号', `孙悟,${id(62)}`]);
    const rlo = await post(klass.gid, file, { name: '花名册\u202excod.exe' });
    expect(rlo).toMatchObject({ status: 422, body: { error: { code: 'VALIDATION', field: 'fileName', reason: 'BIDI_CONTROL' } } });
    expect(rlo.body.error!.messageZh).toContain('U+202E');
    const invisible = await post(klass.gid, file, { name: '\u200b\u3164' });
    expect(invisible).toMatchObject({ status: 422, body: { error: { code: 'VALIDATION', field: 'fileName', reason: 'INVISIBLE_CHARACTER' } } });
    expect(await api.prisma.rosterImport.count({ where: { classId: klass.id } })).toBe(0);

    const ok = await post(klass.gid, file, { name: 'C:\\fakepath\\Cafe\u0301 花名册.csv' });
    expect(ok).toMatchObject({ status: 201, body: { fileName: 'Café 花名册.csv' } });
  });
});

describe('one error body for every route beside /graphql', () => {
  const errorOf = async (res: Response) => ({ status: res.status, body: (await res.json()) as UploadBody });
  const shape = (code: string, extra: object = {}) => ({
    error: { code, message: expect.any(String), messageZh: expect.any(String), ...extra },
  });

  it('uploads: login, parameters, content type, method and unknown paths', async () => {
    const klass = await draftClass();
    const anon = await post(klass.gid, csv(['姓名,身份证号']), { token: null });
    expect(anon).toEqual({ status: 401, body: shape('UNAUTHENTICATED') });
    expect(anon.body.error!.messageZh).toBe('请先登录');
    expect(await post(null, csv(['姓名,身份证号']))).toEqual({ status: 400, body: shape('BAD_REQUEST', { field: 'classId' }) });
    const region = await fetch(`${api.url}/contributions?regionCode=14`, {
      method: 'POST',
      headers: { authorization: `Bearer ${bureau}`, 'content-type': 'text/csv' },
      body: '身份证号',
    });
    expect(await errorOf(region)).toEqual({ status: 400, body: shape('BAD_REQUEST', { field: 'regionCode' }) });
    const json = await fetch(`${api.url}/contributions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${bureau}`, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(await errorOf(json)).toEqual({ status: 415, body: shape('UNSUPPORTED_MEDIA_TYPE') });
    const empty = await post(klass.gid, Buffer.alloc(0));
    expect(empty).toEqual({ status: 422, body: shape('VALIDATION', { reason: 'EMPTY', field: 'file' }) });
    const postTemplate = await fetch(`${api.url}/rosters/template.csv`, { method: 'POST' });
    expect(postTemplate.headers.get('allow')).toBe('GET, HEAD');
    expect(await errorOf(postTemplate)).toEqual({ status: 405, body: shape('METHOD_NOT_ALLOWED') });
    const getUpload = await fetch(`${api.url}/contributions`);
    expect(getUpload.headers.get('allow')).toBe('POST');
    expect(await errorOf(getUpload)).toEqual({ status: 405, body: shape('METHOD_NOT_ALLOWED') });
    expect(await errorOf(await fetch(`${api.url}/rosters/nope`))).toEqual({ status: 404, body: shape('NOT_FOUND') });
    expect(await errorOf(await fetch(`${api.url}/nope`))).toEqual({ status: 404, body: shape('NOT_FOUND') });
  });

  it('certificate PDF and verification page: login, scope, method', async () => {
    const pdf = `${api.url}/certificates/${fx.classA}.pdf`;
    expect(await errorOf(await fetch(pdf))).toEqual({ status: 401, body: shape('UNAUTHENTICATED') });
    const unknown = await fetch(pdf, { headers: { authorization: `Bearer ${staff1}` } });
    expect(await errorOf(unknown)).toEqual({ status: 404, body: shape('NOT_FOUND', { field: 'id' }) });
    const verify = await fetch(`${api.url}/verify/S140814141002264000001`, { method: 'POST' });
    expect(verify.headers.get('allow')).toBe('GET');
    expect(await errorOf(verify)).toEqual({ status: 405, body: shape('METHOD_NOT_ALLOWED') });
  });
});

describe('roster import as a job', () => {
  let worker: RunningWorker | undefined;

  afterAll(async () => {
    if (worker) {
      await Promise.all(Object.values(worker.queues).map((q) => q.obliterate({ force: true })));
      await worker.stop();
    }
  });

  it('imports 5,000 rows through the worker, with progress visible in GraphQL', async () => {
    const klass = await draftClass(5_000);
    const lines = Array.from({ length: 5_000 }, (_, i) => {
      const birth = `19${80 + Math.floor(i / 1000)}-03-0${1 + (i % 9)}`;
      return `学员${String.fromCharCode(0x4e00 + (i % 500))}${String.fromCharCode(0x4e00 + Math.floor(i / 500))},${id(i % 1000, birth)},13900${String(i).padStart(6, '0')},农村,`;
    });
    const r = await post(klass.gid, csv(['姓名,身份证号,手机号,户籍类型,重点群体', ...lines]), { name: 'big.csv' });
    expect(r.status).toBe(202);
    expect(r.body).toMatchObject({ status: 'PENDING', totalRows: 5_000, acceptedRows: 0 });
    const view = async () => (await api.gql<{ rosterImport: ImportView }>(IMPORT_QUERY, { id: r.body.importId, first: 5 }, staff1)).data!.rosterImport;
    expect(await view()).toMatchObject({ status: 'PENDING', percent: 0, processedRows: 0 });

    worker = await startWorker({
      config: configWith({
        DATABASE_URL: api.db.url,
        QUEUE_PREFIX: `vtc-test-${randomBytes(6).toString('hex')}`,
        OUTBOX_POLL_MS: '25',
        LOG_LEVEL: 'silent',
      }),
    });
    const seen: Array<{ status: string; processedRows: number; percent: number }> = [];
    const deadline = Date.now() + 60_000;
    for (;;) {
      const v = await view();
      seen.push({ status: v.status, processedRows: v.processedRows, percent: v.percent });
      if (v.status === 'SUCCEEDED' || v.status === 'FAILED' || Date.now() > deadline) break;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const last = await view();
    expect(last).toMatchObject({ status: 'SUCCEEDED', percent: 100, totalRows: 5_000, processedRows: 5_000, acceptedRows: 5_000, rejectedRows: 0 });
    expect(last.finishedAt).not.toBeNull();
    // Progress only moves forward, chunk by chunk (1,000 rows each for a 5,000-row file).
    const processed = seen.map((s) => s.processedRows);
    expect(processed).toEqual([...processed].sort((a, b) => a - b));
    expect(processed.every((n) => n % 1_000 === 0)).toBe(true);
    expect(seen.some((s) => s.status === 'RUNNING' && s.processedRows > 0 && s.processedRows < 5_000)).toBe(true);
    expect(await api.prisma.enrollment.count({ where: { classId: klass.id } })).toBe(5_000);
    expect(await api.prisma.rosterImportFile.count()).toBe(0);

    const job = await worker.queues.imports.getJobs(['completed']);
    expect(job.map((j) => j.data)).toEqual([{ importId: decodeGlobalID(r.body.importId!).id }]);
    expect(job[0]!.progress).toBe(100); // job.updateProgress after every chunk
  });
});
