import {
  type CertificatePayload,
  type CertificatePayloadInput,
  type CertificateSignature,
  createCertificatePayload,
  loadCertificateFonts,
  renderCertificatePdf,
  renderLatinBaselinePdf,
  signPayload,
  signerFromSeed,
} from '@vtc/certificates';
import { formatCertificateNumber, makeResidentId, type SkillLevel } from '@vtc/domain';
import type { Bench } from './index.ts';

/**
 * npm run bench -- certificates [--docs=10000] [--font=/path/to/font.ttc]
 * Renders `docs` certificates with the CJK font (one thread, one at a time, as a worker does)
 * and `docs` of the same template with pdfkit's built-in Helvetica and Latin text, in the same
 * process, alternating in chunks of 100.
 * No database: payloads are synthetic (varying names, occupations, issuers, kinds) and signed
 * before timing (signing speed is reported separately). rss_mb_start is taken after 100 warm-up
 * documents of each kind, rss_mb_end after the batch, rss_mb_max is the highest of samples taken
 * every 1,000 documents.
 */

const SURNAMES: Array<[string, string]> = [
  ['王', 'Wang'], ['李', 'Li'], ['张', 'Zhang'], ['刘', 'Liu'], ['陈', 'Chen'], ['杨', 'Yang'], ['赵', 'Zhao'],
  ['黄', 'Huang'], ['周', 'Zhou'], ['吴', 'Wu'], ['徐', 'Xu'], ['孙', 'Sun'], ['马', 'Ma'], ['胡', 'Hu'],
  ['郭', 'Guo'], ['何', 'He'], ['高', 'Gao'], ['林', 'Lin'], ['罗', 'Luo'], ['郑', 'Zheng'], ['梁', 'Liang'],
  ['谢', 'Xie'], ['宋', 'Song'], ['唐', 'Tang'], ['欧阳', 'Ouyang'], ['司马', 'Sima'], ['薛', 'Xue'], ['乔', 'Qiao'],
];
const GIVEN: Array<[string, string]> = [
  ['伟', 'Wei'], ['芳', 'Fang'], ['娜', 'Na'], ['敏', 'Min'], ['静', 'Jing'], ['丽', 'Li'], ['强', 'Qiang'],
  ['磊', 'Lei'], ['军', 'Jun'], ['洋', 'Yang'], ['勇', 'Yong'], ['艳', 'Yan'], ['杰', 'Jie'], ['娟', 'Juan'],
  ['涛', 'Tao'], ['明', 'Ming'], ['超', 'Chao'], ['秀英', 'Xiuying'], ['桂兰', 'Guilan'], ['建华', 'Jianhua'],
  ['晓燕', 'Xiaoyan'], ['志强', 'Zhiqiang'], ['海燕', 'Haiyan'], ['春梅', 'Chunmei'], ['红霞', 'Hongxia'],
  ['玉兰', 'Yulan'], ['文博', 'Wenbo'], ['子涵', 'Zihan'], ['雨轩', 'Yuxuan'], ['浩然', 'Haoran'],
];
const OCCUPATIONS: Array<[string, string, string]> = [
  ['4-10-01-05', '养老护理员', 'Elderly care worker'],
  ['4-10-01-02', '育婴员', 'Infant care worker'],
  ['4-10-01-06', '家政服务员', 'Housekeeping worker'],
  ['4-03-02-01', '中式烹调师', 'Chinese cook'],
  ['4-03-02-02', '中式面点师', 'Chinese pastry cook'],
  ['6-31-01-03', '电工', 'Electrician'],
  ['6-18-02-04', '焊工', 'Welder'],
  ['4-12-01-01', '汽车维修工', 'Motor vehicle mechanic'],
  ['4-10-03-01', '美容师', 'Beautician'],
  ['4-03-02-07', '茶艺师', 'Tea master'],
  ['4-13-01-02', '保育师', 'Nursery teacher'],
  ['6-29-01-04', '砌筑工', 'Bricklayer'],
  ['5-01-02-01', '农作物植保员', 'Crop protection worker'],
  ['4-04-05-03', '电子商务师', 'E-commerce specialist'],
];
const ISSUERS: Array<[string, string, string]> = [
  ['临汾市职业技能鉴定指导中心', 'Linfen Skills Evaluation Centre', '12141000MB1234567X'],
  ['巴彦淖尔市河套技工学校', 'Bayannur Hetao Technical School', '12150800MB0456789K'],
  ['枣庄市职业技能等级认定中心', 'Zaozhuang Skill Level Centre', '12370400MB1876543P'],
  ['安康市紫阳县职业技术学校', 'Ziyang Vocational School', '52610924MJ2901234A'],
  ['河源市人力资源服务产业园评价中心', 'Heyuan HR Services Park Evaluation Centre', '91441600MA4X12345B'],
];
const LEVELS: SkillLevel[] = ['LEVEL_5', 'LEVEL_4', 'LEVEL_3', 'LEVEL_2', 'LEVEL_1'];

function pick<T>(list: readonly T[], i: number): T {
  return list[i % list.length]!;
}

/** A Chinese payload and its Latin twin (same fields, pinyin/English text) for the baseline. */
function payloads(i: number): [CertificatePayload, CertificatePayload] {
  const [sz, sl] = pick(SURNAMES, i * 7);
  const [gz, gl] = pick(GIVEN, i * 13 + (i >> 5));
  const [occCode, occZh, occEn] = pick(OCCUPATIONS, i * 3 + (i >> 7));
  const [issZh, issEn, issCode] = pick(ISSUERS, i >> 3);
  const level = pick(LEVELS, i * 5 + (i >> 9));
  const residentId = makeResidentId({
    regionCode: '141002',
    birthDate: `19${70 + (i % 30)}-0${1 + (i % 9)}-1${i % 10}`,
    sequence: i % 1000,
  });
  const kind = (['SKILL_LEVEL', 'SKILL_LEVEL', 'SKILL_LEVEL', 'SKILL_LEVEL', 'SKILL_LEVEL', 'SKILL_LEVEL', 'SPECIAL_ABILITY', 'TRAINING_COMPLETION', 'TRAINING_COMPLETION', 'COMPETITION_AWARD'] as const)[i % 10]!;
  const number =
    kind === 'SKILL_LEVEL'
      ? formatCertificateNumber({
          evaluatorType: i % 4 === 0 ? 'Y' : 'S',
          organizationCode: String(1000 + (i % 37)),
          provinceCode: '14',
          siteCode: '141002',
          year: 2026,
          level,
          serial: 1 + i,
        })
      : `${kind === 'SPECIAL_ABILITY' ? 'ZX' : kind === 'TRAINING_COMPLETION' ? 'JY' : 'JS'}-141002-2026-${String(i + 1).padStart(6, '0')}`;
  const extra: Partial<CertificatePayloadInput> =
    kind === 'TRAINING_COMPLETION'
      ? {
          classCode: `PX-141002-2026-${String(i % 500).padStart(4, '0')}`,
          className: `${occZh}就业技能培训班`,
          trainingHours: 60 + (i % 5) * 20,
          trainingStartOn: '2026-09-01',
          trainingEndOn: '2026-10-30',
        }
      : kind === 'COMPETITION_AWARD'
        ? { competitionName: `2026年临汾市“临汾技工”${occZh}职业技能竞赛`, award: pick(['GOLD', 'SILVER', 'BRONZE', 'MERIT'] as const, i), rank: 1 + (i % 20) }
        : {};
  const base = {
    number,
    kind,
    holderResidentId: residentId,
    occupationCode: occCode,
    level: kind === 'SPECIAL_ABILITY' ? null : kind === 'SKILL_LEVEL' ? level : null,
    issuerCode: issCode,
    issuedOn: `2026-11-${String(1 + (i % 28)).padStart(2, '0')}`,
  };
  const zh = createCertificatePayload({ ...base, ...extra, holderName: `${sz}${gz}`, occupationName: occZh, issuerName: issZh } as CertificatePayloadInput);
  const latinExtra = { ...extra };
  if (latinExtra.className) latinExtra.className = `${occEn} employment skills class`;
  if (latinExtra.competitionName) latinExtra.competitionName = `2026 Linfen Technician ${occEn} Skills Competition`;
  const en = createCertificatePayload({ ...base, ...latinExtra, holderName: `${sl} ${gl}`, occupationName: occEn, issuerName: issEn } as CertificatePayloadInput);
  return [zh, en];
}

const rssMb = () => Math.round(process.memoryUsage().rss / 1e6);

export const certificates: Bench = async (opts) => {
  const docs = Number(opts.docs ?? 10_000);
  const baseUrl = 'https://vtc.example.gov.cn';
  const signer = signerFromSeed(Buffer.alloc(32, 7).toString('base64'), 'bench-2026');
  const fontLoadStart = performance.now();
  const fonts = loadCertificateFonts(opts.font ? { fonts: [opts.font] } : {});
  const fontLoadMs = Math.round(performance.now() - fontLoadStart);

  // Payloads: a pool of 1,000 distinct ones (names × occupations × issuers × kinds vary), signed up front.
  const pool = Math.min(docs, 1000);
  const zh: Array<[CertificatePayload, CertificateSignature]> = [];
  const en: Array<[CertificatePayload, CertificateSignature]> = [];
  let t = performance.now();
  for (let i = 0; i < pool; i++) {
    const [a, b] = payloads(i);
    zh.push([a, signPayload(a, signer).signature]);
    en.push([b, signPayload(b, signer).signature]);
  }
  const signsPerS = Math.round((2 * pool) / ((performance.now() - t) / 1000));

  // Warm-up (JIT, font caches), then both batches interleaved in chunks of 100 documents, so
  // that load from other processes on the machine falls on both alike.
  for (let i = 0; i < 100; i++) {
    await renderCertificatePdf(...zh[i % pool]!, { baseUrl, fonts });
    await renderLatinBaselinePdf(...en[i % pool]!, { baseUrl });
  }
  const rssStart = rssMb();
  let rssMax = rssStart;
  let maxBytes = 0;
  let latinMaxBytes = 0;
  let cjkSeconds = 0;
  let latinSeconds = 0;
  for (let chunk = 0; chunk < docs; chunk += 100) {
    const end = Math.min(docs, chunk + 100);
    t = performance.now();
    for (let i = chunk; i < end; i++) {
      const [p, s] = zh[i % pool]!;
      const pdf = await renderCertificatePdf(p, s, { baseUrl, fonts });
      if (pdf.length > maxBytes) maxBytes = pdf.length;
    }
    cjkSeconds += (performance.now() - t) / 1000;
    t = performance.now();
    for (let i = chunk; i < end; i++) {
      const [p, s] = en[i % pool]!;
      const pdf = await renderLatinBaselinePdf(p, s, { baseUrl });
      if (pdf.length > latinMaxBytes) latinMaxBytes = pdf.length;
    }
    latinSeconds += (performance.now() - t) / 1000;
    if (chunk % 1000 === 900) rssMax = Math.max(rssMax, rssMb());
  }
  const rssEnd = rssMb();
  rssMax = Math.max(rssMax, rssEnd);

  const docsPerS = docs / cjkSeconds;
  const latinPerS = docs / latinSeconds;
  return {
    docs,
    docs_per_s: Math.round(docsPerS),
    latin_docs_per_s: Math.round(latinPerS),
    ratio: (docsPerS / latinPerS).toFixed(2),
    max_kb: (maxBytes / 1024).toFixed(1),
    rss_mb_start: rssStart,
    rss_mb_end: rssEnd,
    rss_mb_max: rssMax,
    latin_max_kb: (latinMaxBytes / 1024).toFixed(1),
    font: fonts.primary.postscriptName,
    font_load_ms: fontLoadMs,
    signs_per_s: signsPerS,
  };
};
