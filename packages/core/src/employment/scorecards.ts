import { isUuid, type PrismaClient, Prisma } from '@vtc/db';
import { DomainError, isCalendarDate, regionCovers, regionScopePrefix } from '@vtc/domain';
import ExcelJS from 'exceljs';
import type { Actor } from '../shared/actor.ts';

/**
 * Training outcome scorecards (绩效评价: "training + assessment + employment") per class, institution,
 * occupation, labour brand or region, computed in one pass of SQL each (counts, rates and medians with
 * percentile_cont). Definitions:
 * - population: enrollments of classes whose END DATE falls in [from, to] (all statuses);
 * - enrolled: those enrollments; completed: status COMPLETED; completionRate = completed / enrolled;
 * - certified: completed enrollments with an ISSUED SKILL_LEVEL certificate linked to the enrollment or
 *   earned in an assessment session of the class; certificationRate = certified / completed;
 * - per checkpoint (months after completion): decided = checks EMPLOYED, QUALIFIED or NOT_EMPLOYED
 *   (PENDING is not in the denominator, it is shown as `pending`); employmentRate = (EMPLOYED +
 *   QUALIFIED) / decided; qualifiedRate = QUALIFIED / decided;
 * - qualifyingRate (overall) = enrollments with any QUALIFIED check / enrollments with a decided check;
 * - medians over enrollments employed at their latest employed checkpoint: contract term in months
 *   (open-ended contracts have no term and are left out) and monthly wage in fen (the check's wage, else
 *   the latest contribution base from the same employer up to the checkpoint month).
 * Rates are rounded to 4 decimals in SQL; null when the denominator is 0. Visibility: a bureau sees
 * classes in its region and below (and may compare institutions); an institution only its own classes;
 * an administrator everything; nobody else.
 */

export const SCORECARD_GROUPS = ['CLASS', 'INSTITUTION', 'OCCUPATION', 'LABOUR_BRAND', 'REGION'] as const;
export type ScorecardGroup = (typeof SCORECARD_GROUPS)[number];

export interface ScorecardFilter {
  groupBy: ScorecardGroup;
  /** 'YYYY-MM-DD', inclusive, on the class end date. */
  from: string;
  to: string;
  regionCode?: string | null;
  institutionId?: string | null;
}

export interface CheckpointRate {
  checkpointMonths: number;
  decided: number;
  employed: number;
  qualified: number;
  pending: number;
  employmentRate: number | null;
  qualifiedRate: number | null;
}

export interface Scorecard {
  key: string;
  label: string;
  enrolled: number;
  completed: number;
  completionRate: number | null;
  certified: number;
  certificationRate: number | null;
  /** Enrollments with at least one decided check (the denominator of qualifyingRate). */
  employmentDecided: number;
  qualifiedEnrollments: number;
  qualifyingRate: number | null;
  checkpoints: CheckpointRate[];
  medianContractMonths: number | null;
  contractSamples: number;
  medianMonthlyWageFen: number | null;
  wageSamples: number;
}

const GROUPS: Record<ScorecardGroup, { key: string; label: string }> = {
  CLASS: { key: `c.id::text`, label: `c.code || ' ' || c.name` },
  INSTITUTION: { key: `c."institutionId"::text`, label: `o.name` },
  OCCUPATION: { key: `c."occupationId"::text`, label: `oc.code || ' ' || oc.name` },
  LABOUR_BRAND: { key: `coalesce(c."labourBrandId"::text, 'NONE')`, label: `coalesce(lb.name, '(无劳务品牌 no labour brand)')` },
  REGION: { key: `c."regionCode"::text`, label: `c."regionCode" || ' ' || r.name` },
};

const forbidden = () =>
  new DomainError('FORBIDDEN', { zh: '只有人社部门和培训机构可以查看绩效评价', en: 'Only bureaus and training institutions may see scorecards' });

/** The class filter of the actor's visibility, as SQL over alias c. */
function scopeSql(actor: Actor | null): Prisma.Sql {
  if (!actor) throw forbidden();
  if (actor.roles.some((r) => r.role === 'SYSTEM_ADMIN')) return Prisma.sql`TRUE`;
  const parts: Prisma.Sql[] = [];
  for (const r of actor.roles) {
    if (r.role === 'BUREAU_OFFICER' && r.regionCode) parts.push(Prisma.sql`c."regionCode" LIKE ${`${regionScopePrefix(r.regionCode)}%`}`);
    if (r.role === 'INSTITUTION_STAFF' && r.organizationId) parts.push(Prisma.sql`c."institutionId" = ${r.organizationId}::uuid`);
  }
  if (parts.length === 0) throw forbidden();
  return Prisma.sql`(${Prisma.join(parts, ' OR ')})`;
}

function validate(actor: Actor | null, f: ScorecardFilter): void {
  for (const field of ['from', 'to'] as const) {
    if (!isCalendarDate(f[field])) {
      throw new DomainError('VALIDATION', { zh: `${field} 不是有效日期(YYYY-MM-DD)`, en: `${field} is not a real date (YYYY-MM-DD)` }, { field });
    }
  }
  if (f.from > f.to) throw new DomainError('VALIDATION', { zh: '开始日期晚于结束日期', en: 'from is after to' }, { field: 'from' });
  if (f.regionCode && !/^\d{6}$/.test(f.regionCode)) {
    throw new DomainError('VALIDATION', { zh: '行政区划代码应为6位数字', en: 'regionCode must have 6 digits' }, { field: 'regionCode' });
  }
  if (f.institutionId && !isUuid(f.institutionId)) {
    throw new DomainError('VALIDATION', { zh: '培训机构标识无效', en: 'institutionId is not a valid id' }, { field: 'institutionId' });
  }
  if (!(SCORECARD_GROUPS as readonly string[]).includes(f.groupBy)) {
    throw new DomainError('VALIDATION', { zh: '无效的分组方式', en: 'Unknown groupBy' }, { field: 'groupBy' });
  }
  if (!actor || actor.roles.some((r) => r.role === 'SYSTEM_ADMIN')) return;
  if (f.regionCode) {
    const ok = actor.roles.some(
      (r) =>
        (r.role === 'BUREAU_OFFICER' && r.regionCode && regionCovers(r.regionCode, f.regionCode!)) ||
        // an institution may narrow its own classes by region
        r.role === 'INSTITUTION_STAFF',
    );
    if (!ok) {
      throw new DomainError('FORBIDDEN', { zh: `无权查看行政区划${f.regionCode}的数据`, en: `You may not see region ${f.regionCode}` }, { field: 'regionCode' });
    }
  }
  if (f.institutionId) {
    const bureau = actor.roles.some((r) => r.role === 'BUREAU_OFFICER');
    const own = actor.roles.some((r) => r.role === 'INSTITUTION_STAFF' && r.organizationId === f.institutionId);
    if (!bureau && !own) {
      throw new DomainError('FORBIDDEN', { zh: '培训机构只能查看本机构的数据', en: 'An institution may see only its own scorecards' }, { field: 'institutionId' });
    }
  }
}

const rate = (num: Prisma.Sql, den: Prisma.Sql) => Prisma.sql`round((${num})::numeric / nullif(${den}, 0), 4)::float8`;

export async function scorecards(prisma: PrismaClient, actor: Actor | null, filter: ScorecardFilter): Promise<Scorecard[]> {
  validate(actor, filter);
  const scope = scopeSql(actor);
  const g = GROUPS[filter.groupBy];
  const conditions: Prisma.Sql[] = [
    Prisma.sql`c."endDate" BETWEEN ${filter.from}::date AND ${filter.to}::date`,
    scope,
  ];
  if (filter.regionCode) conditions.push(Prisma.sql`c."regionCode" LIKE ${`${regionScopePrefix(filter.regionCode)}%`}`);
  if (filter.institutionId) conditions.push(Prisma.sql`c."institutionId" = ${filter.institutionId}::uuid`);
  const where = Prisma.join(conditions, ' AND ');
  const base = Prisma.sql`
    SELECT e.id, e."personId", e.status, e."classId", ${Prisma.raw(g.key)} AS gkey, ${Prisma.raw(g.label)} AS glabel
      FROM "Enrollment" e
      JOIN "TrainingClass" c ON c.id = e."classId"
      JOIN "Organization" o ON o.id = c."institutionId"
      JOIN "Occupation" oc ON oc.id = c."occupationId"
      JOIN "Region" r ON r.code = c."regionCode"
      LEFT JOIN "LabourBrand" lb ON lb.id = c."labourBrandId"
     WHERE ${where}`;

  const rows = await prisma.$queryRaw<Array<Omit<Scorecard, 'checkpoints'>>>`
    WITH e AS (${base}),
    cert AS (
      SELECT DISTINCT e.id
        FROM e
        JOIN "Certificate" ce ON ce."personId" = e."personId" AND ce.kind = 'SKILL_LEVEL' AND ce.status = 'ISSUED'
        LEFT JOIN "AssessmentResult" ar ON ar.id = ce."assessmentResultId"
        LEFT JOIN "AssessmentSession" s ON s.id = ar."sessionId"
       WHERE e.status = 'COMPLETED' AND (ce."enrollmentId" = e.id OR s."classId" = e."classId")
    ),
    decided AS (
      SELECT k."enrollmentId" AS id, bool_or(k.status = 'QUALIFIED') AS qualified
        FROM e JOIN "EmploymentCheck" k ON k."enrollmentId" = e.id
       WHERE k.status IN ('EMPLOYED', 'QUALIFIED', 'NOT_EMPLOYED')
       GROUP BY k."enrollmentId"
    ),
    outcome AS (
      SELECT DISTINCT ON (k."enrollmentId") k."enrollmentId" AS id, k."contractMonths" AS months,
             coalesce(k."monthlyWageFen", (
               SELECT sic."wageBaseFen" FROM "SocialInsuranceContribution" sic
                WHERE sic."personId" = e."personId" AND sic."wageBaseFen" IS NOT NULL
                  AND (k."employerCreditCode" IS NULL OR sic."employerCreditCode" = k."employerCreditCode")
                  AND sic.month <= to_char(k."dueOn", 'YYYYMM')
                ORDER BY sic.month DESC LIMIT 1)) AS wage
        FROM e JOIN "EmploymentCheck" k ON k."enrollmentId" = e.id
       WHERE k.status IN ('EMPLOYED', 'QUALIFIED')
       ORDER BY k."enrollmentId", k."checkpointMonths" DESC
    ),
    per AS (
      SELECT e.gkey, max(e.glabel) AS glabel,
             count(*)::int AS enrolled,
             count(*) FILTER (WHERE e.status = 'COMPLETED')::int AS completed,
             count(cert.id)::int AS certified,
             count(decided.id)::int AS decided,
             count(*) FILTER (WHERE decided.qualified)::int AS qualified,
             percentile_cont(0.5) WITHIN GROUP (ORDER BY outcome.months) AS median_months,
             count(outcome.months)::int AS contract_samples,
             percentile_cont(0.5) WITHIN GROUP (ORDER BY outcome.wage) AS median_wage,
             count(outcome.wage)::int AS wage_samples
        FROM e
        LEFT JOIN cert ON cert.id = e.id
        LEFT JOIN decided ON decided.id = e.id
        LEFT JOIN outcome ON outcome.id = e.id
       GROUP BY e.gkey
    )
    SELECT gkey AS key, glabel AS label, enrolled, completed,
           ${rate(Prisma.sql`completed`, Prisma.sql`enrolled`)} AS "completionRate",
           certified, ${rate(Prisma.sql`certified`, Prisma.sql`completed`)} AS "certificationRate",
           decided AS "employmentDecided", qualified AS "qualifiedEnrollments",
           ${rate(Prisma.sql`qualified`, Prisma.sql`decided`)} AS "qualifyingRate",
           round(median_months::numeric, 1)::float8 AS "medianContractMonths", contract_samples AS "contractSamples",
           round(median_wage)::int AS "medianMonthlyWageFen", wage_samples AS "wageSamples"
      FROM per
     ORDER BY label, key`;

  const checkpoints = await prisma.$queryRaw<Array<CheckpointRate & { gkey: string }>>`
    WITH e AS (${base})
    SELECT e.gkey, k."checkpointMonths",
           count(*) FILTER (WHERE k.status <> 'PENDING')::int AS decided,
           count(*) FILTER (WHERE k.status IN ('EMPLOYED', 'QUALIFIED'))::int AS employed,
           count(*) FILTER (WHERE k.status = 'QUALIFIED')::int AS qualified,
           count(*) FILTER (WHERE k.status = 'PENDING')::int AS pending,
           ${rate(Prisma.sql`count(*) FILTER (WHERE k.status IN ('EMPLOYED', 'QUALIFIED'))`, Prisma.sql`count(*) FILTER (WHERE k.status <> 'PENDING')`)} AS "employmentRate",
           ${rate(Prisma.sql`count(*) FILTER (WHERE k.status = 'QUALIFIED')`, Prisma.sql`count(*) FILTER (WHERE k.status <> 'PENDING')`)} AS "qualifiedRate"
      FROM e JOIN "EmploymentCheck" k ON k."enrollmentId" = e.id
     GROUP BY e.gkey, k."checkpointMonths"
     ORDER BY e.gkey, k."checkpointMonths"`;

  const byGroup = new Map<string, CheckpointRate[]>();
  for (const { gkey, ...cp } of checkpoints) {
    const list = byGroup.get(gkey) ?? [];
    list.push(cp);
    byGroup.set(gkey, list);
  }
  return rows.map((r) => ({ ...r, checkpoints: byGroup.get(r.key) ?? [] }));
}

// ───────────────────────────── XLSX export ─────────────────────────────

const GROUP_NAMES: Record<ScorecardGroup, string> = {
  CLASS: '培训班 class',
  INSTITUTION: '培训机构 institution',
  OCCUPATION: '职业 occupation',
  LABOUR_BRAND: '劳务品牌 labour brand',
  REGION: '行政区划 region',
};

/** One row per group; rates as numbers formatted as percentages, counts beside them so every rate shows its denominator. */
export async function scorecardsXlsx(cards: readonly Scorecard[], filter: ScorecardFilter): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'VTC';
  const sheet = wb.addWorksheet('绩效评价', { views: [{ state: 'frozen', ySplit: 1 }] });
  const months = [...new Set(cards.flatMap((c) => c.checkpoints.map((p) => p.checkpointMonths)))].sort((a, b) => a - b);
  const columns: Array<{ header: string; key: string; width: number; pct?: boolean }> = [
    { header: GROUP_NAMES[filter.groupBy], key: 'label', width: 36 },
    { header: '报名人数 enrolled', key: 'enrolled', width: 12 },
    { header: '结业人数 completed', key: 'completed', width: 12 },
    { header: '结业率 completion rate', key: 'completionRate', width: 12, pct: true },
    { header: '取证人数 certified', key: 'certified', width: 12 },
    { header: '取证率 certification rate', key: 'certificationRate', width: 12, pct: true },
  ];
  for (const m of months) {
    columns.push(
      { header: `${m}个月已判定 decided (${m}m)`, key: `d${m}`, width: 12 },
      { header: `${m}个月就业人数 employed (${m}m)`, key: `e${m}`, width: 12 },
      { header: `${m}个月就业率 employment rate (${m}m)`, key: `er${m}`, width: 12, pct: true },
      { header: `${m}个月达标就业率 qualified rate (${m}m)`, key: `qr${m}`, width: 12, pct: true },
    );
  }
  columns.push(
    { header: '已判定人数 decided', key: 'employmentDecided', width: 12 },
    { header: '达标就业人数 qualified', key: 'qualifiedEnrollments', width: 12 },
    { header: '达标就业率 qualifying rate', key: 'qualifyingRate', width: 12, pct: true },
    { header: '合同期限中位数(月) median contract months', key: 'medianContractMonths', width: 14 },
    { header: '月工资中位数(元) median monthly wage (yuan)', key: 'medianWageYuan', width: 14 },
  );
  sheet.columns = columns.map((c) => ({ header: c.header, key: c.key, width: c.width, style: c.pct ? { numFmt: '0.00%' } : {} }));
  sheet.getRow(1).font = { bold: true };
  for (const c of cards) {
    const row: Record<string, unknown> = {
      label: c.label,
      enrolled: c.enrolled,
      completed: c.completed,
      completionRate: c.completionRate,
      certified: c.certified,
      certificationRate: c.certificationRate,
      employmentDecided: c.employmentDecided,
      qualifiedEnrollments: c.qualifiedEnrollments,
      qualifyingRate: c.qualifyingRate,
      medianContractMonths: c.medianContractMonths,
      medianWageYuan: c.medianMonthlyWageFen === null ? null : c.medianMonthlyWageFen / 100,
    };
    for (const p of c.checkpoints) {
      row[`d${p.checkpointMonths}`] = p.decided;
      row[`e${p.checkpointMonths}`] = p.employed;
      row[`er${p.checkpointMonths}`] = p.employmentRate;
      row[`qr${p.checkpointMonths}`] = p.qualifiedRate;
    }
    sheet.addRow(row);
  }
  const info = wb.addWorksheet('说明');
  info.addRow(['分组 group by', filter.groupBy]);
  info.addRow(['结业日期范围 class end date', `${filter.from} … ${filter.to}`]);
  if (filter.regionCode) info.addRow(['行政区划 region', filter.regionCode]);
  if (filter.institutionId) info.addRow(['培训机构 institution', filter.institutionId]);
  info.addRow([
    '口径 definitions',
    '结业率=结业/报名;取证率=取得技能等级证书的结业人数/结业;就业率=(就业+达标就业)/已判定(不含待定);达标就业率=达标/已判定;中位数只计有数据者',
  ]);
  return Buffer.from(await wb.xlsx.writeBuffer());
}
