import type { Prisma } from '@vtc/db';
import { addDays, addMonthsClamped, dateFromIso, makeCreditCode, type SkillLevel } from '@vtc/domain';
import type { LabourBrandKey } from './brands.ts';
import { at, DEMO_TODAY, monthsBetween, workingDaysBetween } from './dates.ts';
import type { OccupationKey } from './occupations.ts';
import { creditCodeOf, type OrganizationKey, organization, organizationCode9 } from './organizations.ts';
import type { CohortKey, PersonSeed } from './people.ts';
import { type Rng, rng, seedToken, seedUuid } from './prng.ts';

/**
 * The activity of the demo: classes in every state around DEMO_TODAY (2026-11-22), rosters,
 * attendance, a training order, an apprenticeship, assessments with certificates, employment
 * evidence for the Bayannur +50% bonus, and county competitions under 临汾技工.
 *
 * Everything here is a pure function of the person list; ids are stable (seedUuid), so the rows
 * can be bulk-inserted without reading anything back.
 */

export const orgId = (key: OrganizationKey): string => seedUuid(`org:${key}`);
export const personId = (index: number): string => seedUuid(`person:${index}`);
export const userId = (username: string): string => seedUuid(`user:${username}`);
export const brandId = (key: LabourBrandKey): string => seedUuid(`brand:${key}`);

type ClassStatus = 'DRAFT' | 'SUBMITTED' | 'APPROVED' | 'REJECTED' | 'IN_PROGRESS' | 'COMPLETED';

interface ClassSpec {
  key: string;
  code: string;
  name: string;
  institution: OrganizationKey;
  occupation: OccupationKey;
  level: SkillLevel | null;
  trainingType: 'EMPLOYMENT_SKILLS' | 'JOB_SKILL_UPGRADE' | 'ENTREPRENEURSHIP';
  mode: 'STANDARD' | 'ORDER_BASED' | 'PROJECT_BASED';
  status: ClassStatus;
  startDate: string;
  endDate: string;
  /** Hours per class day (one session a day). */
  hoursPerDay: number;
  venue: string;
  teachers: Array<{ name: string; qualification: string }>;
  capacity: number;
  enrolled: number;
  cohorts: CohortKey[];
  brand?: LabourBrandKey;
  order?: OrderKey;
  /** The bureau user who decides filings of this institution (none for cities without demo users). */
  reviewer?: string;
  /** The institution user who records attendance. */
  recorder?: string;
  submittedOn?: string;
  decidedOn?: string;
  rejectionReason?: string;
}

type OrderKey = 'enterprise1Welders' | 'bayannurFoodAgriTech';

const TOPICS: Readonly<Record<OccupationKey, readonly string[]>> = {
  welder: [
    '安全操作规程与劳动保护',
    '焊接识图与工艺',
    '焊条电弧焊平焊实操',
    '立焊与横焊实操',
    'CO₂气体保护焊',
    '焊缝质量检验',
  ],
  electrician: ['电工安全与触电急救', '电工仪表使用', '低压配电线路安装', '电动机控制线路', 'PLC基础', '故障排查实训'],
  eldercare: ['职业道德与安全照护', '老年人生活照料', '清洁与饮食照护', '基础护理技能', '康复服务', '失智老人照护'],
  housekeeping: ['家政职业道德', '家居保洁', '衣物洗涤与收纳', '家庭餐制作', '母婴照护基础', '老人陪护'],
  infantcare: ['婴幼儿生理发育', '喂养与营养', '生活照料', '常见病预防', '早期教育'],
  nursery: ['保育工作概述', '生活照料', '安全防护', '环境创设'],
  chineseCook: ['厨房安全与食品卫生', '刀工与原料加工', '火候与调味', '晋菜/地方菜实操', '冷菜制作', '宴席菜品设计'],
  chinesePastry: ['面点卫生与安全', '面团调制', '襄汾烧饼制作工艺', '发酵面点', '馅心制作', '成品装饰'],
  agriTech: ['现代农业概论', '土壤与施肥', '河套蜜瓜栽培', '病虫害绿色防控', '农产品采后处理', '智慧农业装备'],
  ecommerce: ['创业意识与项目选择', '网店开设与运营', '直播电商实务', '农特产品营销', '创业计划书'],
  bricklayer: ['识图', '砌筑工艺', '质量验收'],
  carMechanic: ['汽车构造', '发动机维修', '底盘维修'],
  pedicure: ['修脚职业道德与卫生消毒', '足部解剖基础', '修脚工具使用', '常见足疾处理', '足部保健按摩'],
  xiangfenShaobing: ['烧饼面团调制', '烤制工艺'],
  zaozhuangChicken: ['原料选择与初加工', '辣子鸡烹制工艺', '出品与卫生'],
  camelliaPlanting: ['油茶品种与育苗', '整形修剪', '水肥管理', '病虫害防治', '采收与初加工'],
};

export const CLASSES: readonly ClassSpec[] = [
  // ── institution1, 尧都区 ──
  {
    key: 'lfWeld202608',
    code: 'PX-141002-2026-0031',
    name: '汾河煤机订单式焊工(四级)培训班',
    institution: 'institution1',
    occupation: 'welder',
    level: 'LEVEL_4',
    trainingType: 'EMPLOYMENT_SKILLS',
    mode: 'ORDER_BASED',
    status: 'COMPLETED',
    startDate: '2026-08-03',
    endDate: '2026-09-11',
    hoursPerDay: 4,
    venue: '鑫源职业技能培训学校焊接实训车间(尧都区五一东路168号)',
    teachers: [
      { name: '李国栋', qualification: '焊工高级技师' },
      { name: '冯建军', qualification: '焊工技师' },
    ],
    capacity: 40,
    enrolled: 30,
    cohorts: ['LF_INDUSTRY'],
    brand: 'linfenTechnician',
    order: 'enterprise1Welders',
    reviewer: 'yaodu.bureau',
    recorder: 'institution1',
    submittedOn: '2026-07-20',
    decidedOn: '2026-07-24',
  },
  {
    key: 'lfEldercare202611',
    code: 'PX-141002-2026-0047',
    name: '养老护理员(五级)就业技能培训班',
    institution: 'institution1',
    occupation: 'eldercare',
    level: 'LEVEL_5',
    trainingType: 'EMPLOYMENT_SKILLS',
    mode: 'STANDARD',
    status: 'IN_PROGRESS',
    startDate: '2026-11-02',
    endDate: '2026-12-11',
    hoursPerDay: 4,
    venue: '鑫源职业技能培训学校康养实训室',
    teachers: [
      { name: '王海燕', qualification: '养老护理员技师' },
      { name: '郝丽萍', qualification: '主管护师' },
    ],
    capacity: 50,
    enrolled: 42,
    cohorts: ['LF_SERVICE'],
    brand: 'linfenTechnician',
    reviewer: 'yaodu.bureau',
    recorder: 'institution1',
    submittedOn: '2026-10-15',
    decidedOn: '2026-10-21',
  },
  {
    key: 'lfElectric202612',
    code: 'PX-141002-2026-0052',
    name: '电工(四级)岗位技能提升培训班',
    institution: 'institution1',
    occupation: 'electrician',
    level: 'LEVEL_4',
    trainingType: 'JOB_SKILL_UPGRADE',
    mode: 'STANDARD',
    status: 'APPROVED',
    startDate: '2026-12-07',
    endDate: '2027-01-15',
    hoursPerDay: 4,
    venue: '鑫源职业技能培训学校电工实训室',
    teachers: [{ name: '程志远', qualification: '电工技师' }],
    capacity: 40,
    enrolled: 34,
    cohorts: ['LF_INDUSTRY'],
    reviewer: 'yaodu.bureau',
    recorder: 'institution1',
    submittedOn: '2026-11-12',
    decidedOn: '2026-11-18',
  },
  {
    key: 'lfCook202701',
    code: 'PX-141002-2026-0055',
    name: '中式烹调师(五级)就业技能培训班',
    institution: 'institution1',
    occupation: 'chineseCook',
    level: 'LEVEL_5',
    trainingType: 'EMPLOYMENT_SKILLS',
    mode: 'STANDARD',
    status: 'SUBMITTED',
    startDate: '2027-01-11',
    endDate: '2027-02-05',
    hoursPerDay: 4,
    venue: '鑫源职业技能培训学校烹饪实训室',
    teachers: [{ name: '薛长青', qualification: '中式烹调师高级技师' }],
    capacity: 40,
    enrolled: 26,
    cohorts: ['LF_GENERAL', 'LF_SERVICE'],
    recorder: 'institution1',
    submittedOn: '2026-11-19',
  },
  {
    key: 'lfEcommerceDraft',
    code: 'PX-141002-2026-0058',
    name: '直播电商创业培训班(项目制)',
    institution: 'institution1',
    occupation: 'ecommerce',
    level: null,
    trainingType: 'ENTREPRENEURSHIP',
    mode: 'PROJECT_BASED',
    status: 'DRAFT',
    startDate: '2027-03-01',
    endDate: '2027-03-12',
    hoursPerDay: 4,
    venue: '鑫源职业技能培训学校多媒体教室',
    teachers: [{ name: '任佳', qualification: '创业培训讲师、电子商务师(三级)' }],
    capacity: 30,
    enrolled: 10,
    cohorts: ['LF_GENERAL'],
    recorder: 'institution1',
  },

  // ── institution2, 襄汾县 ──
  {
    key: 'xfPastry202609',
    code: 'PX-141023-2026-0012',
    name: '襄汾烧饼·中式面点师(五级)培训班',
    institution: 'institution2',
    occupation: 'chinesePastry',
    level: 'LEVEL_5',
    trainingType: 'EMPLOYMENT_SKILLS',
    mode: 'STANDARD',
    status: 'COMPLETED',
    startDate: '2026-09-07',
    endDate: '2026-09-30',
    hoursPerDay: 4,
    venue: '丁陶职业技能培训学校面点实训室',
    teachers: [{ name: '丁永胜', qualification: '中式面点师技师' }],
    capacity: 30,
    enrolled: 25,
    cohorts: ['LF_SERVICE', 'LF_GENERAL'],
    brand: 'xiangfenShaobing',
    reviewer: 'xiangfen.bureau',
    recorder: 'institution2',
    submittedOn: '2026-08-20',
    decidedOn: '2026-08-26',
  },
  {
    key: 'xfHousekeeping202611',
    code: 'PX-141023-2026-0016',
    name: '家政服务员(五级)就业技能培训班',
    institution: 'institution2',
    occupation: 'housekeeping',
    level: 'LEVEL_5',
    trainingType: 'EMPLOYMENT_SKILLS',
    mode: 'STANDARD',
    status: 'IN_PROGRESS',
    startDate: '2026-11-09',
    endDate: '2026-12-04',
    hoursPerDay: 4,
    venue: '丁陶职业技能培训学校家政实训室',
    teachers: [{ name: '刘建平', qualification: '家政服务员技师' }],
    capacity: 35,
    enrolled: 28,
    cohorts: ['LF_SERVICE'],
    brand: 'linfenTechnician',
    reviewer: 'xiangfen.bureau',
    recorder: 'institution2',
    submittedOn: '2026-10-22',
    decidedOn: '2026-10-28',
  },
  {
    key: 'xfInfant202701',
    code: 'PX-141023-2026-0019',
    name: '育婴员(五级)就业技能培训班',
    institution: 'institution2',
    occupation: 'infantcare',
    level: 'LEVEL_5',
    trainingType: 'EMPLOYMENT_SKILLS',
    mode: 'STANDARD',
    status: 'SUBMITTED',
    startDate: '2027-01-04',
    endDate: '2027-01-22',
    hoursPerDay: 4,
    venue: '丁陶职业技能培训学校母婴实训室',
    teachers: [{ name: '陶晓红', qualification: '育婴员(三级)、护师' }],
    capacity: 30,
    enrolled: 20,
    cohorts: ['LF_SERVICE'],
    recorder: 'institution2',
    submittedOn: '2026-11-20',
  },
  {
    key: 'xfNurseryRejected',
    code: 'PX-141023-2026-0017',
    name: '保育师(五级)就业技能培训班',
    institution: 'institution2',
    occupation: 'nursery',
    level: 'LEVEL_5',
    trainingType: 'EMPLOYMENT_SKILLS',
    mode: 'STANDARD',
    status: 'REJECTED',
    startDate: '2026-12-14',
    endDate: '2026-12-25',
    hoursPerDay: 4,
    venue: '丁陶职业技能培训学校母婴实训室',
    teachers: [{ name: '陶晓红', qualification: '育婴员(三级)、护师' }],
    capacity: 30,
    enrolled: 0,
    cohorts: [],
    reviewer: 'xiangfen.bureau',
    recorder: 'institution2',
    submittedOn: '2026-11-03',
    decidedOn: '2026-11-06',
    rejectionReason: '本机构未取得保育师培训资质,且教学计划实操课时不足,请补充后重新申报。',
  },

  // ── college1, 临汾市 ──
  {
    key: 'colElectric202605',
    code: 'PX-141000-2026-0008',
    name: '2026届毕业生电工(四级)“双证书”培训班',
    institution: 'college1',
    occupation: 'electrician',
    level: 'LEVEL_4',
    trainingType: 'EMPLOYMENT_SKILLS',
    mode: 'STANDARD',
    status: 'COMPLETED',
    startDate: '2026-05-11',
    endDate: '2026-06-19',
    hoursPerDay: 4,
    venue: '临汾职业技术学院电气实训中心',
    teachers: [
      { name: '赵文斌', qualification: '电工高级技师、副教授' },
      { name: '闫海龙', qualification: '电工技师' },
    ],
    capacity: 45,
    enrolled: 40,
    cohorts: ['LF_COLLEGE'],
    brand: 'linfenTechnician',
    reviewer: 'linfen.bureau',
    recorder: 'college1',
    submittedOn: '2026-04-20',
    decidedOn: '2026-04-27',
  },
  {
    key: 'colEldercare202612',
    code: 'PX-141000-2026-0021',
    name: '养老护理员(四级)在校生技能培训班',
    institution: 'college1',
    occupation: 'eldercare',
    level: 'LEVEL_4',
    trainingType: 'EMPLOYMENT_SKILLS',
    mode: 'STANDARD',
    status: 'APPROVED',
    startDate: '2026-12-07',
    endDate: '2026-12-25',
    hoursPerDay: 4,
    venue: '临汾职业技术学院康养实训基地',
    teachers: [{ name: '贾春燕', qualification: '养老护理员高级技师' }],
    capacity: 40,
    enrolled: 30,
    cohorts: ['LF_COLLEGE'],
    reviewer: 'linfen.bureau',
    recorder: 'college1',
    submittedOn: '2026-11-10',
    decidedOn: '2026-11-16',
  },

  // ── Bayannur ──
  {
    key: 'bynAgriOrder202610',
    code: 'PX-150800-2026-0033',
    name: '河套绿源订单式农业技术员(四级)培训班',
    institution: 'bayannurCollege',
    occupation: 'agriTech',
    level: 'LEVEL_4',
    trainingType: 'EMPLOYMENT_SKILLS',
    mode: 'ORDER_BASED',
    status: 'IN_PROGRESS',
    startDate: '2026-10-12',
    endDate: '2026-12-18',
    hoursPerDay: 4,
    venue: '巴彦淖尔技师学院现代农业实训基地',
    teachers: [
      { name: '苏和', qualification: '农业技术员技师' },
      { name: '白雪梅', qualification: '高级农艺师' },
    ],
    capacity: 30,
    enrolled: 20,
    cohorts: ['BYN_COLLEGE'],
    brand: 'hetaoCraftsman',
    order: 'bayannurFoodAgriTech',
    reviewer: 'bayannur.bureau',
    submittedOn: '2026-09-24',
    decidedOn: '2026-09-30',
  },
  {
    key: 'bynCook202604',
    code: 'PX-150802-2026-0009',
    name: '“河套工匠”中式烹调师(五级)培训班',
    institution: 'hetaoSchool',
    occupation: 'chineseCook',
    level: 'LEVEL_5',
    trainingType: 'EMPLOYMENT_SKILLS',
    mode: 'STANDARD',
    status: 'COMPLETED',
    startDate: '2026-04-13',
    endDate: '2026-05-22',
    hoursPerDay: 4,
    venue: '河套职业技能培训学校烹饪实训室',
    teachers: [{ name: '高俊峰', qualification: '中式烹调师技师' }],
    capacity: 35,
    enrolled: 30,
    cohorts: ['BYN_GENERAL'],
    brand: 'hetaoCraftsman',
    reviewer: 'bayannur.bureau',
    submittedOn: '2026-03-25',
    decidedOn: '2026-04-01',
  },
  {
    key: 'bynWeld202701',
    code: 'PX-150802-2026-0027',
    name: '焊工(五级)就业技能培训班',
    institution: 'hetaoSchool',
    occupation: 'welder',
    level: 'LEVEL_5',
    trainingType: 'EMPLOYMENT_SKILLS',
    mode: 'STANDARD',
    status: 'SUBMITTED',
    startDate: '2027-01-04',
    endDate: '2027-01-29',
    hoursPerDay: 4,
    venue: '河套职业技能培训学校焊接实训车间',
    teachers: [{ name: '郭永康', qualification: '焊工技师' }],
    capacity: 30,
    enrolled: 15,
    cohorts: ['BYN_GENERAL'],
    submittedOn: '2026-11-17',
  },

  // ── Ankang, Zaozhuang, Heyuan ──
  {
    key: 'akPedicure202609',
    code: 'PX-610924-2026-0006',
    name: '“紫阳修脚师”专项职业能力培训班',
    institution: 'ziyangSchool',
    occupation: 'pedicure',
    level: null,
    trainingType: 'EMPLOYMENT_SKILLS',
    mode: 'STANDARD',
    status: 'COMPLETED',
    startDate: '2026-09-14',
    endDate: '2026-10-16',
    hoursPerDay: 4,
    venue: '紫阳县修脚技艺职业技能培训中心实训室',
    teachers: [{ name: '陈德华', qualification: '修脚专项职业能力考评员' }],
    capacity: 30,
    enrolled: 18,
    cohorts: ['AK_GENERAL'],
    brand: 'ziyangPedicure',
    submittedOn: '2026-08-28',
    decidedOn: '2026-09-04',
  },
  {
    key: 'akEldercare202611',
    code: 'PX-610902-2026-0014',
    name: '“安康养老护理”养老护理员(五级)培训班',
    institution: 'ankangSchool',
    occupation: 'eldercare',
    level: 'LEVEL_5',
    trainingType: 'EMPLOYMENT_SKILLS',
    mode: 'STANDARD',
    status: 'IN_PROGRESS',
    startDate: '2026-11-16',
    endDate: '2026-12-11',
    hoursPerDay: 4,
    venue: '康嫂家政职业技能培训学校实训室',
    teachers: [{ name: '李秀兰', qualification: '养老护理员技师' }],
    capacity: 30,
    enrolled: 15,
    cohorts: ['AK_GENERAL'],
    brand: 'ankangEldercare',
    submittedOn: '2026-10-30',
    decidedOn: '2026-11-06',
  },
  {
    key: 'zzChicken202612',
    code: 'PX-370403-2026-0041',
    name: '枣庄辣子鸡制作专项职业能力培训班',
    institution: 'zaozhuangSchool',
    occupation: 'zaozhuangChicken',
    level: null,
    trainingType: 'EMPLOYMENT_SKILLS',
    mode: 'STANDARD',
    status: 'APPROVED',
    startDate: '2026-12-01',
    endDate: '2026-12-11',
    hoursPerDay: 4,
    venue: '鲁南职业技能培训学校烹饪实训室',
    teachers: [{ name: '孙立新', qualification: '中式烹调师技师' }],
    capacity: 30,
    enrolled: 10,
    cohorts: ['ZZ_GENERAL'],
    submittedOn: '2026-11-09',
    decidedOn: '2026-11-13',
  },
  {
    key: 'hyCamellia202703',
    code: 'PX-441602-2026-0005',
    name: '油茶种植专项职业能力培训班(农村劳动力)',
    institution: 'heyuanSchool',
    occupation: 'camelliaPlanting',
    level: null,
    trainingType: 'EMPLOYMENT_SKILLS',
    mode: 'STANDARD',
    status: 'DRAFT',
    startDate: '2027-03-08',
    endDate: '2027-03-19',
    hoursPerDay: 4,
    venue: '东源县油茶种植示范基地',
    teachers: [{ name: '黄志强', qualification: '农艺师' }],
    capacity: 30,
    enrolled: 8,
    cohorts: ['HY_GENERAL'],
  },
];

export const classId = (key: string): string => seedUuid(`class:${key}`);

interface OrderSpec {
  key: OrderKey;
  enterprise: OrganizationKey;
  institution: OrganizationKey;
  occupation: OccupationKey;
  level: SkillLevel;
  regionCode: string;
  quantity: number;
  hireCommitment: number;
  status: 'DRAFT' | 'OPEN' | 'FULFILLED' | 'CANCELLED';
  signedOn: string;
}

export const ORDERS: readonly OrderSpec[] = [
  {
    key: 'enterprise1Welders',
    enterprise: 'enterprise1',
    institution: 'institution1',
    occupation: 'welder',
    level: 'LEVEL_4',
    regionCode: '141002',
    quantity: 30,
    hireCommitment: 24,
    status: 'FULFILLED',
    signedOn: '2026-07-15',
  },
  {
    key: 'bayannurFoodAgriTech',
    enterprise: 'bayannurFood',
    institution: 'bayannurCollege',
    occupation: 'agriTech',
    level: 'LEVEL_4',
    regionCode: '150821',
    quantity: 20,
    hireCommitment: 18,
    status: 'OPEN',
    signedOn: '2026-09-20',
  },
];

export const orderId = (key: OrderKey): string => seedUuid(`order:${key}`);

/** Employers of Bayannur cook-class graduates that are not organisations of the platform. */
const BAYANNUR_RESTAURANTS: ReadonlyArray<readonly [string, string]> = [
  ['巴彦淖尔市临河区河套人家餐饮有限公司', '150802'],
  ['五原县塞上人家酒店有限公司', '150821'],
  ['巴彦淖尔市临河区金川大酒店有限公司', '150802'],
  ['杭锦后旗陕坝美食城餐饮管理有限公司', '150826'],
];

export interface Plan {
  organizationOccupations: Prisma.OrganizationOccupationCreateManyInput[];
  trainingOrders: Prisma.TrainingOrderCreateManyInput[];
  classes: Prisma.TrainingClassCreateManyInput[];
  enrollments: Prisma.EnrollmentCreateManyInput[];
  attendanceSessions: Prisma.AttendanceSessionCreateManyInput[];
  attendanceRecords: Prisma.AttendanceRecordCreateManyInput[];
  apprenticeships: Prisma.ApprenticeshipCreateManyInput[];
  assessmentSessions: Prisma.AssessmentSessionCreateManyInput[];
  assessmentResults: Prisma.AssessmentResultCreateManyInput[];
  certificates: Prisma.CertificateCreateManyInput[];
  competitions: Prisma.CompetitionCreateManyInput[];
  competitionEntries: Prisma.CompetitionEntryCreateManyInput[];
  employmentRecords: Prisma.EmploymentRecordCreateManyInput[];
  contributions: Prisma.SocialInsuranceContributionCreateManyInput[];
  serialCounters: Prisma.SerialCounterCreateManyInput[];
  /** Class key → person indexes on its roster, in roster order. */
  rosters: ReadonlyMap<string, readonly number[]>;
  /** The person behind the `trainee1` account. */
  trainee1: number;
}

interface Stay {
  start: string;
  end: string;
}

function overlaps(a: Stay, b: Stay): boolean {
  return a.start <= b.end && b.start <= a.end;
}

function score(r: Rng, min: number, max: number): string {
  return (r.int(min * 2, max * 2) / 2).toFixed(2);
}

/** Builds every activity row. `occupationId` resolves occupation keys to stored ids. */
export function buildPlan(people: readonly PersonSeed[], occupationId: (key: OccupationKey) => string): Plan {
  const rosters = new Map<string, number[]>();
  const plan: Plan = {
    organizationOccupations: [],
    trainingOrders: [],
    classes: [],
    enrollments: [],
    attendanceSessions: [],
    attendanceRecords: [],
    apprenticeships: [],
    assessmentSessions: [],
    assessmentResults: [],
    certificates: [],
    competitions: [],
    competitionEntries: [],
    employmentRecords: [],
    contributions: [],
    serialCounters: [],
    rosters,
    trainee1: -1,
  };

  // ── rosters: a person is never twice in a class, nor in two classes at the same time ──
  const stays = new Map<number, Stay[]>();
  for (const spec of CLASSES) {
    const r = rng(`roster:${spec.key}`);
    const stay = { start: spec.startDate, end: spec.endDate };
    // Shuffled, then those with fewer classes first, so rosters spread over the cohort.
    const candidates = r
      .shuffle(people.filter((p) => spec.cohorts.includes(p.cohort)))
      .filter((p) => !(stays.get(p.index) ?? []).some((s) => overlaps(s, stay)))
      .sort((a, b) => (stays.get(a.index)?.length ?? 0) - (stays.get(b.index)?.length ?? 0));
    if (candidates.length < spec.enrolled || spec.enrolled > spec.capacity) {
      throw new Error(`seed: not enough people for class ${spec.key} (${candidates.length} < ${spec.enrolled})`);
    }
    const roster = candidates.slice(0, spec.enrolled).map((p) => p.index);
    for (const i of roster) stays.set(i, [...(stays.get(i) ?? []), stay]);
    rosters.set(spec.key, roster);
  }

  // ── training orders ──
  for (const o of ORDERS) {
    plan.trainingOrders.push({
      id: orderId(o.key),
      enterpriseId: orgId(o.enterprise),
      institutionId: orgId(o.institution),
      occupationId: occupationId(o.occupation),
      level: o.level,
      regionCode: o.regionCode,
      quantity: o.quantity,
      hireCommitment: o.hireCommitment,
      status: o.status,
      signedOn: dateFromIso(o.signedOn),
      createdAt: at(addDays(o.signedOn, -5), '10:00'),
    });
  }

  // ── classes, enrollments, attendance ──
  const completedEnrollments = new Map<string, number[]>();
  for (const spec of CLASSES) {
    const r = rng(`class:${spec.key}`);
    const inst = organization(spec.institution);
    const days = workingDaysBetween(spec.startDate, spec.endDate);
    const id = classId(spec.key);
    const decided = spec.decidedOn !== undefined;
    plan.classes.push({
      id,
      code: spec.code,
      name: spec.name,
      institutionId: orgId(spec.institution),
      regionCode: inst.regionCode,
      occupationId: occupationId(spec.occupation),
      level: spec.level,
      trainingType: spec.trainingType,
      mode: spec.mode,
      status: spec.status,
      plannedHours: days.length * spec.hoursPerDay,
      startDate: dateFromIso(spec.startDate),
      endDate: dateFromIso(spec.endDate),
      venue: spec.venue,
      teachers: spec.teachers,
      capacity: spec.capacity,
      teachingPlan: `共${days.length}个教学日、${days.length * spec.hoursPerDay}课时,理论约30%、实操约70%。内容:${TOPICS[spec.occupation].join('、')}。`,
      assessmentPlan: spec.level
        ? '结业后由第三方社会培训评价组织开展职业技能等级认定(理论+实操,各60分合格)。'
        : '结业后参加专项职业能力考核。',
      labourBrandId: spec.brand ? brandId(spec.brand) : null,
      trainingOrderId: spec.order ? orderId(spec.order) : null,
      rejectionReason: spec.rejectionReason ?? null,
      submittedAt: spec.submittedOn ? at(spec.submittedOn, '10:15') : null,
      decidedAt: decided ? at(spec.decidedOn as string, '15:40') : null,
      decidedById: decided && spec.reviewer ? userId(spec.reviewer) : null,
      completedAt: spec.status === 'COMPLETED' ? at(spec.endDate, '17:30') : null,
      // Hours delivered, fixed at completion: the sessions seeded below (every teaching day before the demo's today).
      deliveredMinutes: spec.status === 'COMPLETED' ? days.filter((d) => d < DEMO_TODAY).length * spec.hoursPerDay * 60 : null,
      createdAt: at(addDays(spec.submittedOn ?? '2026-11-20', -3), '09:30'),
    });

    const roster = rosters.get(spec.key) ?? [];
    const held = spec.status === 'COMPLETED' || spec.status === 'IN_PROGRESS';
    const sessionDays = held ? days.filter((d) => d < DEMO_TODAY) : [];
    // Attendance propensity: most attend nearly always; in a completed class a couple fall below 80%
    // and one drops out halfway.
    const propensity = roster.map(() => (r.chance(0.1) ? 0.6 + r.next() * 0.15 : 0.9 + r.next() * 0.1));
    const withdrawAfter = roster.map(() => Number.POSITIVE_INFINITY);
    if (spec.status === 'COMPLETED' && roster.length >= 20) {
      withdrawAfter[r.int(0, roster.length - 1)] = Math.floor(sessionDays.length / 3);
    }
    const enrollmentIds = roster.map((pi) => seedUuid(`enrollment:${spec.key}:${pi}`));
    const presentMinutes = roster.map(() => 0);
    const possibleMinutes = roster.map(() => 0);
    sessionDays.forEach((d, si) => {
      const sessionId = seedUuid(`session:${spec.key}:${d}`);
      const minutes = spec.hoursPerDay * 60;
      const startsAt = at(d, '08:30');
      const endsAt = new Date(startsAt.getTime() + minutes * 60_000);
      plan.attendanceSessions.push({
        id: sessionId,
        classId: id,
        date: dateFromIso(d),
        startsAt,
        endsAt,
        minutes,
        topic: TOPICS[spec.occupation][Math.floor((si * TOPICS[spec.occupation].length) / days.length)] ?? null,
        closedAt: new Date(endsAt.getTime() + 15 * 60_000),
      });
      roster.forEach((pi, ri) => {
        if (si >= (withdrawAfter[ri] ?? Number.POSITIVE_INFINITY)) return;
        const present = r.chance(propensity[ri] ?? 1);
        possibleMinutes[ri] = (possibleMinutes[ri] ?? 0) + minutes;
        if (present) presentMinutes[ri] = (presentMinutes[ri] ?? 0) + minutes;
        const face = r.chance(0.85);
        plan.attendanceRecords.push({
          id: seedUuid(`attendance:${sessionId}:${pi}`),
          sessionId,
          enrollmentId: enrollmentIds[ri] as string,
          present,
          method: present ? (face ? 'FACE' : 'MANUAL') : 'MANUAL',
          evidenceRef: present && face ? `face-checkin:${seedToken(`face:${sessionId}:${pi}`, 16)}` : null,
          recordedAt: new Date(startsAt.getTime() + (present && face ? r.int(-15, 5) : 5) * 60_000),
          recordedById: spec.recorder ? userId(spec.recorder) : null,
        });
      });
    });

    const completers: number[] = [];
    roster.forEach((pi, ri) => {
      const person = people[pi] as PersonSeed;
      const base = {
        id: enrollmentIds[ri] as string,
        classId: id,
        personId: personId(pi),
        priorityGroups: person.priorityGroups,
        householdType: person.householdType,
        createdAt: at(addDays(spec.submittedOn ?? '2026-11-20', -1), '11:00'),
      };
      if (spec.status !== 'COMPLETED') {
        plan.enrollments.push({ ...base, status: 'ENROLLED' });
        return;
      }
      if (Number.isFinite(withdrawAfter[ri] ?? Number.POSITIVE_INFINITY)) {
        plan.enrollments.push({ ...base, status: 'WITHDRAWN' });
        return;
      }
      const possible = possibleMinutes[ri] ?? 0;
      const rateBp = possible === 0 ? 0 : Math.round(((presentMinutes[ri] ?? 0) * 10_000) / possible);
      const passed = rateBp >= 8_000;
      if (passed) completers.push(pi);
      plan.enrollments.push({
        ...base,
        status: passed ? 'COMPLETED' : 'FAILED',
        attendanceRateBp: rateBp,
        score: passed ? score(r, 72, 96) : null,
        completedAt: at(spec.endDate, '17:30'),
      });
    });
    completedEnrollments.set(spec.key, completers);
  }

  const trainee1 = rosters.get('lfEldercare202611')?.[0];
  if (trainee1 === undefined) throw new Error('seed: no roster for trainee1');
  plan.trainee1 = trainee1;

  // ── assessments and certificates ──
  const evaluator = organization('evaluator1');
  const evaluationCode = evaluator.evaluationCode as string;
  const assessments: Array<{
    key: string;
    classKey: string;
    occupation: OccupationKey;
    level: SkillLevel;
    regionCode: string;
    siteCode: string;
    scheduledOn: string;
    status: 'PLANNED' | 'OPEN' | 'CLOSED';
    issuedOn?: string;
  }> = [
    {
      key: 'weldL4',
      classKey: 'lfWeld202608',
      occupation: 'welder',
      level: 'LEVEL_4',
      regionCode: '141002',
      siteCode: '100203',
      scheduledOn: '2026-09-16',
      status: 'CLOSED',
      issuedOn: '2026-09-30',
    },
    {
      key: 'collegeElectricL4',
      classKey: 'colElectric202605',
      occupation: 'electrician',
      level: 'LEVEL_4',
      regionCode: '141000',
      siteCode: '100107',
      scheduledOn: '2026-06-24',
      status: 'CLOSED',
      issuedOn: '2026-07-10',
    },
    {
      key: 'eldercareL5',
      classKey: 'lfEldercare202611',
      occupation: 'eldercare',
      level: 'LEVEL_5',
      regionCode: '141002',
      siteCode: '100203',
      scheduledOn: '2026-12-15',
      status: 'PLANNED',
    },
  ];
  const serials = new Map<string, number>();
  for (const a of assessments) {
    const r = rng(`assessment:${a.key}`);
    const sessionId = seedUuid(`assessment:${a.key}`);
    plan.assessmentSessions.push({
      id: sessionId,
      evaluationBodyId: orgId('evaluator1'),
      occupationId: occupationId(a.occupation),
      kind: 'SKILL_LEVEL',
      level: a.level,
      regionCode: a.regionCode,
      siteCode: a.siteCode,
      classId: classId(a.classKey),
      scheduledOn: dateFromIso(a.scheduledOn),
      status: a.status,
      createdAt: at(addDays(a.scheduledOn, -20), '10:00'),
    });
    if (a.status !== 'CLOSED') continue;
    const candidates = completedEnrollments.get(a.classKey) ?? [];
    const absent = new Set([candidates[r.int(0, candidates.length - 1)]]);
    candidates.forEach((pi) => {
      const resultId = seedUuid(`result:${a.key}:${pi}`);
      const recordedAt = at(addDays(a.scheduledOn, 3), '16:00');
      if (absent.has(pi)) {
        plan.assessmentResults.push({ id: resultId, sessionId, personId: personId(pi), outcome: 'ABSENT', recordedAt });
        return;
      }
      const failing = r.chance(0.08);
      const theory = failing && r.chance(0.5) ? score(r, 41, 59) : score(r, 61, 95);
      const practical = failing && Number(theory) >= 60 ? score(r, 45, 59) : score(r, 62, 96);
      const passed = Number(theory) >= 60 && Number(practical) >= 60;
      plan.assessmentResults.push({
        id: resultId,
        sessionId,
        personId: personId(pi),
        theoryScore: theory,
        practicalScore: practical,
        outcome: passed ? 'PASSED' : 'FAILED',
        recordedAt,
      });
      if (!passed || !a.issuedOn) return;
      // S + evaluation organisation (4) + province (2) + site (6) + year (2) + level (1) + serial (6).
      const prefix = `S${evaluationCode}${a.regionCode.slice(0, 2)}${a.siteCode}${a.issuedOn.slice(2, 4)}${a.level.slice(-1)}`;
      const serial = (serials.get(prefix) ?? 0) + 1;
      serials.set(prefix, serial);
      const number = `${prefix}${String(serial).padStart(6, '0')}`;
      plan.certificates.push({
        id: seedUuid(`certificate:${number}`),
        number,
        kind: 'SKILL_LEVEL',
        personId: personId(pi),
        issuerId: orgId('evaluator1'),
        occupationId: occupationId(a.occupation),
        level: a.level,
        issuedOn: dateFromIso(a.issuedOn),
        verifyToken: seedToken(`certificate:${number}`),
        assessmentResultId: resultId,
        enrollmentId: seedUuid(`enrollment:${a.classKey}:${pi}`),
        createdAt: at(a.issuedOn, '09:00'),
      });
    });
  }
  for (const [prefix, value] of serials) plan.serialCounters.push({ key: `certificate:${prefix}`, value });
  const classSerials = new Map<string, number>();
  for (const spec of CLASSES) {
    const [, region = '', year = '', serial = '0'] = spec.code.split('-');
    const key = `class:${region}:${year}`;
    classSerials.set(key, Math.max(classSerials.get(key) ?? 0, Number(serial)));
  }
  for (const [key, value] of classSerials) plan.serialCounters.push({ key, value });

  // ── employment: enterprise1 hires its order's graduates; Bayannur cook graduates find jobs ──
  const contributionsFor = (
    pi: number,
    employerCreditCode: string,
    fromMonth: string,
    toMonth: string,
    baseFen: number,
  ) => {
    const rates: Array<['PENSION' | 'UNEMPLOYMENT' | 'WORK_INJURY' | 'MEDICAL', number]> = [
      ['PENSION', 2_400],
      ['UNEMPLOYMENT', 100],
      ['WORK_INJURY', 50],
      ['MEDICAL', 900],
    ];
    for (const month of monthsBetween(fromMonth, toMonth)) {
      for (const [insuranceType, bp] of rates) {
        plan.contributions.push({
          id: seedUuid(`contribution:${pi}:${employerCreditCode}:${month}:${insuranceType}`),
          personId: personId(pi),
          employerCreditCode,
          month,
          insuranceType,
          amountFen: Math.round((baseFen * bp) / 10_000),
        });
      }
    }
  };

  const enterprise1Code = creditCodeOf(organization('enterprise1'));
  const weldRoster = rosters.get('lfWeld202608') ?? [];
  const certified = new Set(
    plan.certificates.filter((c) => c.occupationId === occupationId('welder')).map((c) => c.personId),
  );
  const hires = [...(completedEnrollments.get('lfWeld202608') ?? [])]
    .sort((a, b) => Number(certified.has(personId(b))) - Number(certified.has(personId(a))))
    .slice(0, 24);
  for (const pi of hires) {
    plan.employmentRecords.push({
      id: seedUuid(`employment:contract:${pi}:enterprise1`),
      personId: personId(pi),
      enrollmentId: seedUuid(`enrollment:lfWeld202608:${pi}`),
      employerId: orgId('enterprise1'),
      employerCreditCode: enterprise1Code,
      employerName: organization('enterprise1').name,
      source: 'LABOUR_CONTRACT',
      contractStart: dateFromIso('2026-09-21'),
      contractEnd: dateFromIso('2029-09-20'),
      evidenceRef: `劳动合同备案 FHMJ-2026-${String(hires.indexOf(pi) + 1).padStart(3, '0')}`,
      observedAt: at('2026-09-28', '10:00'),
    });
    contributionsFor(pi, enterprise1Code, '2026-10-01', '2026-10-31', 400_000);
  }
  if (weldRoster.length === 0) throw new Error('seed: empty welding roster');

  const rb = rng('employment:bayannur');
  const bynGraduates = completedEnrollments.get('bynCook202604') ?? [];
  const employers = [
    ...BAYANNUR_RESTAURANTS.map(([name, region], i) => ({
      id: null as string | null,
      name,
      code: makeCreditCode({
        authority: '9',
        orgType: '1',
        regionCode: region,
        orgCode9: organizationCode9(`restaurant:${i}`),
      }),
    })),
    {
      id: orgId('bayannurFood'),
      name: organization('bayannurFood').name,
      code: creditCodeOf(organization('bayannurFood')),
    },
  ];
  bynGraduates.forEach((pi, gi) => {
    // 0–13: contract ≥ 12 months with social insurance within 6 months (bonus applies); of them 10–13
    // were hired in November: their only contributions arrive with the bureau's November file
    // (bayannur-contributions-202611.csv), so importing it is what makes them qualify.
    // 14–17: 6-month contracts; 18–20: contract without social insurance; the rest: no record yet.
    const kind = gi < 14 ? 'eligible' : gi < 18 ? 'short' : gi < 21 ? 'uninsured' : 'none';
    if (kind === 'none') return;
    const employer = rb.pick(employers);
    const drawn = addDays('2026-05-25', rb.int(7, 120));
    const lateHire = gi >= 10 && gi < 14;
    const start = lateHire ? addDays('2026-11-02', gi - 10) : drawn;
    const months = kind === 'short' ? 6 : rb.pick([12, 24, 36]);
    plan.employmentRecords.push({
      id: seedUuid(`employment:contract:${pi}:${employer.code}`),
      personId: personId(pi),
      enrollmentId: seedUuid(`enrollment:bynCook202604:${pi}`),
      employerId: employer.id,
      employerCreditCode: employer.code,
      employerName: employer.name,
      source: 'LABOUR_CONTRACT',
      contractStart: dateFromIso(start),
      contractEnd: dateFromIso(addDays(addMonthsClamped(start, months), -1)),
      evidenceRef: `劳动合同备案 BYN-${start.replaceAll('-', '')}-${String(gi + 1).padStart(2, '0')}`,
      observedAt: at(addDays(start, 7), '10:00'),
    });
    if (kind === 'uninsured' || lateHire) return;
    const firstMonth = `${start.slice(0, 7)}-01`;
    const lastMonth = kind === 'short' ? addMonthsClamped(firstMonth, 4) : '2026-10-01';
    plan.employmentRecords.push({
      id: seedUuid(`employment:insurance:${pi}:${employer.code}`),
      personId: personId(pi),
      enrollmentId: seedUuid(`enrollment:bynCook202604:${pi}`),
      employerId: employer.id,
      employerCreditCode: employer.code,
      employerName: employer.name,
      source: 'SOCIAL_INSURANCE',
      contractStart: dateFromIso(start),
      contractEnd: null,
      evidenceRef: `社保缴费 ${firstMonth.slice(0, 7).replace('-', '')} 起`,
      observedAt: at(addMonthsClamped(firstMonth, 1), '09:00'),
    });
    contributionsFor(pi, employer.code, firstMonth, lastMonth < '2026-10-01' ? lastMonth : '2026-10-01', 380_000);
  });

  // ── apprenticeship: enterprise1 + institution1, a young worker not in any class ──
  const enrolledAnywhere = new Set([...rosters.values()].flat());
  const apprenticeCandidates = people.filter(
    (p) => p.cohort === 'LF_INDUSTRY' && p.sex === 'MALE' && Number(p.birthDate.slice(0, 4)) >= 1996,
  );
  const apprentice =
    apprenticeCandidates.find((p) => !enrolledAnywhere.has(p.index)) ?? (apprenticeCandidates[0] as PersonSeed);
  plan.apprenticeships.push({
    id: seedUuid('apprenticeship:enterprise1:1'),
    enterpriseId: orgId('enterprise1'),
    institutionId: orgId('institution1'),
    personId: personId(apprentice.index),
    occupationId: occupationId('welder'),
    targetLevel: 'LEVEL_3',
    regionCode: '141002',
    mentorName: '李国栋(焊工高级技师)',
    startDate: dateFromIso('2026-03-16'),
    endDate: dateFromIso('2028-03-15'),
    status: 'ACTIVE',
    contractRef: 'FHMJ-XTZ-2026-003',
    createdAt: at('2026-03-10', '10:00'),
  });
  plan.employmentRecords.push({
    id: seedUuid(`employment:apprentice-contract:${apprentice.index}:enterprise1`),
    personId: personId(apprentice.index),
    employerId: orgId('enterprise1'),
    employerCreditCode: enterprise1Code,
    employerName: organization('enterprise1').name,
    source: 'LABOUR_CONTRACT',
    contractStart: dateFromIso('2026-03-01'),
    contractEnd: dateFromIso('2029-02-28'),
    evidenceRef: '劳动合同备案 FHMJ-2026-A03',
    observedAt: at('2026-03-05', '10:00'),
  });
  contributionsFor(apprentice.index, enterprise1Code, '2026-03-01', '2026-10-31', 400_000);

  // ── qualifications ──
  for (const key of [
    'institution1',
    'institution2',
    'college1',
    'hetaoSchool',
    'bayannurCollege',
    'ziyangSchool',
    'ankangSchool',
    'zaozhuangSchool',
    'heyuanSchool',
    'evaluator1',
  ] as const) {
    for (const [occ, maxLevel] of organization(key).qualifications ?? []) {
      plan.organizationOccupations.push({
        organizationId: orgId(key),
        occupationId: occupationId(occ),
        maxLevel,
        validUntil: dateFromIso('2028-12-31'),
      });
    }
  }

  // ── competitions: at least one per Linfen county a year (003 item 10), all under 临汾技工 ──
  const competitions: Array<{
    key: string;
    name: string;
    regionCode: string;
    organizer: OrganizationKey;
    occupation: OccupationKey;
    heldOn: string;
    status: 'PLANNED' | 'HELD' | 'RESULTS_PUBLISHED';
    entrants: number[];
  }> = [
    {
      key: 'yaoduWelding2026',
      name: '2026年尧都区“临汾技工”焊工职业技能竞赛',
      regionCode: '141002',
      organizer: 'yaoduBureau',
      occupation: 'welder',
      heldOn: '2026-10-24',
      status: 'RESULTS_PUBLISHED',
      entrants: hires.slice(0, 12),
    },
    {
      key: 'xiangfenShaobing2026',
      name: '2026年襄汾县“襄汾烧饼”面点制作技能大赛',
      regionCode: '141023',
      organizer: 'xiangfenBureau',
      occupation: 'chinesePastry',
      heldOn: '2026-11-14',
      status: 'HELD',
      entrants: (completedEnrollments.get('xfPastry202609') ?? []).slice(0, 10),
    },
    {
      key: 'fushanChef2026',
      name: '2026年浮山县“浮山厨师”中式烹调技能大赛',
      regionCode: '141027',
      organizer: 'fushanBureau',
      occupation: 'chineseCook',
      heldOn: '2026-12-12',
      status: 'PLANNED',
      entrants: (rosters.get('lfCook202701') ?? []).slice(0, 6),
    },
    {
      key: 'hongtongEldercare2026',
      name: '2026年洪洞县养老护理员职业技能竞赛',
      regionCode: '141024',
      organizer: 'hongtongBureau',
      occupation: 'eldercare',
      heldOn: '2026-12-19',
      status: 'PLANNED',
      entrants: [],
    },
  ];
  const awards = [
    'GOLD',
    'SILVER',
    'SILVER',
    'BRONZE',
    'BRONZE',
    'BRONZE',
    'MERIT',
    'MERIT',
    'MERIT',
    'MERIT',
  ] as const;
  for (const c of competitions) {
    const id = seedUuid(`competition:${c.key}`);
    plan.competitions.push({
      id,
      name: c.name,
      level: 'COUNTY',
      regionCode: c.regionCode,
      organizerId: orgId(c.organizer),
      occupationId: occupationId(c.occupation),
      labourBrandId: brandId('linfenTechnician'),
      heldOn: dateFromIso(c.heldOn),
      status: c.status,
      createdAt: at(addDays(c.heldOn, -45), '10:00'),
    });
    const ranked = c.status === 'RESULTS_PUBLISHED' ? rng(`competition:${c.key}`).shuffle(c.entrants) : c.entrants;
    ranked.forEach((pi, i) => {
      plan.competitionEntries.push({
        id: seedUuid(`competition-entry:${c.key}:${pi}`),
        competitionId: id,
        personId: personId(pi),
        rank: c.status === 'RESULTS_PUBLISHED' ? i + 1 : null,
        award: c.status === 'RESULTS_PUBLISHED' ? (awards[i] ?? 'NONE') : 'NONE',
      });
    });
  }

  return plan;
}
