import { createHash } from 'node:crypto';
import { makeCreditCode, type OrganizationKind, type SkillLevel } from '@vtc/domain';
import type { OccupationKey } from './occupations.ts';

/**
 * Organisations of the demo. Names of bureaus are the real institutions' names; training schools,
 * the evaluation body and the enterprises are fictitious. Every credit code is synthetic but valid
 * (GB 32100 check character, and a GB 11714 check character on the 9-character organisation code).
 *
 * Registration authority and type follow GB 32100: 11 = government organ (机构编制/机关),
 * 12 = public institution (事业单位), 52 = private non-enterprise unit (民政/民办非企业单位),
 * 91 = enterprise (市场监管/企业).
 */
export interface OrganizationSeed {
  key: string;
  kind: OrganizationKind;
  name: string;
  regionCode: string;
  registration: '11' | '12' | '52' | '91';
  address: string;
  contactName: string;
  areaCode: string;
  evaluationCode?: string;
  qualifications?: ReadonlyArray<readonly [OccupationKey, SkillLevel | null]>;
}

export const ORGANIZATIONS = [
  // ── HR & social security bureaus ──
  {
    key: 'shanxiBureau',
    kind: 'HR_BUREAU',
    name: '山西省人力资源和社会保障厅',
    regionCode: '140000',
    registration: '11',
    address: '山西省太原市小店区龙城大街',
    contactName: '职业能力建设处',
    areaCode: '0351',
  },
  {
    key: 'linfenBureau',
    kind: 'HR_BUREAU',
    name: '临汾市人力资源和社会保障局',
    regionCode: '141000',
    registration: '11',
    address: '山西省临汾市尧都区滨河西路',
    contactName: '职业能力建设科',
    areaCode: '0357',
  },
  {
    key: 'yaoduBureau',
    kind: 'HR_BUREAU',
    name: '临汾市尧都区人力资源和社会保障局',
    regionCode: '141002',
    registration: '11',
    address: '山西省临汾市尧都区解放东路',
    contactName: '职业能力建设股',
    areaCode: '0357',
  },
  {
    key: 'xiangfenBureau',
    kind: 'HR_BUREAU',
    name: '襄汾县人力资源和社会保障局',
    regionCode: '141023',
    registration: '11',
    address: '山西省临汾市襄汾县新城镇',
    contactName: '职业能力建设股',
    areaCode: '0357',
  },
  {
    key: 'hongtongBureau',
    kind: 'HR_BUREAU',
    name: '洪洞县人力资源和社会保障局',
    regionCode: '141024',
    registration: '11',
    address: '山西省临汾市洪洞县大槐树镇',
    contactName: '职业能力建设股',
    areaCode: '0357',
  },
  {
    key: 'fushanBureau',
    kind: 'HR_BUREAU',
    name: '浮山县人力资源和社会保障局',
    regionCode: '141027',
    registration: '11',
    address: '山西省临汾市浮山县天坛镇',
    contactName: '职业能力建设股',
    areaCode: '0357',
  },
  {
    key: 'bayannurBureau',
    kind: 'HR_BUREAU',
    name: '巴彦淖尔市人力资源和社会保障局',
    regionCode: '150800',
    registration: '11',
    address: '内蒙古自治区巴彦淖尔市临河区',
    contactName: '职业能力建设科',
    areaCode: '0478',
  },
  {
    key: 'ankangBureau',
    kind: 'HR_BUREAU',
    name: '安康市人力资源和社会保障局',
    regionCode: '610900',
    registration: '11',
    address: '陕西省安康市汉滨区',
    contactName: '职业能力建设科',
    areaCode: '0915',
  },
  {
    key: 'zaozhuangBureau',
    kind: 'HR_BUREAU',
    name: '枣庄市人力资源和社会保障局',
    regionCode: '370400',
    registration: '11',
    address: '山东省枣庄市薛城区',
    contactName: '职业能力建设科',
    areaCode: '0632',
  },
  {
    key: 'heyuanBureau',
    kind: 'HR_BUREAU',
    name: '河源市人力资源和社会保障局',
    regionCode: '441600',
    registration: '11',
    address: '广东省河源市源城区',
    contactName: '职业能力建设科',
    areaCode: '0762',
  },

  // ── training institutions and colleges ──
  {
    key: 'institution1',
    kind: 'TRAINING_INSTITUTION',
    name: '临汾市尧都区鑫源职业技能培训学校',
    regionCode: '141002',
    registration: '52',
    address: '山西省临汾市尧都区五一东路168号',
    contactName: '王海燕',
    areaCode: '0357',
    qualifications: [
      ['welder', 'LEVEL_3'],
      ['electrician', 'LEVEL_3'],
      ['eldercare', 'LEVEL_3'],
      ['chineseCook', 'LEVEL_4'],
      ['ecommerce', 'LEVEL_4'],
    ],
  },
  {
    key: 'institution2',
    kind: 'TRAINING_INSTITUTION',
    name: '襄汾县丁陶职业技能培训学校',
    regionCode: '141023',
    registration: '52',
    address: '山西省临汾市襄汾县新城镇文化街26号',
    contactName: '刘建平',
    areaCode: '0357',
    qualifications: [
      ['chinesePastry', 'LEVEL_4'],
      ['housekeeping', 'LEVEL_3'],
      ['infantcare', 'LEVEL_3'],
      ['xiangfenShaobing', null],
    ],
  },
  {
    key: 'college1',
    kind: 'VOCATIONAL_COLLEGE',
    name: '临汾职业技术学院',
    regionCode: '141000',
    registration: '12',
    address: '山西省临汾市尧都区府西街',
    contactName: '教务处 赵文斌',
    areaCode: '0357',
    qualifications: [
      ['electrician', 'LEVEL_2'],
      ['welder', 'LEVEL_2'],
      ['eldercare', 'LEVEL_3'],
      ['chineseCook', 'LEVEL_3'],
      ['carMechanic', 'LEVEL_3'],
    ],
  },
  {
    key: 'hetaoSchool',
    kind: 'TRAINING_INSTITUTION',
    name: '巴彦淖尔市临河区河套职业技能培训学校',
    regionCode: '150802',
    registration: '52',
    address: '内蒙古自治区巴彦淖尔市临河区胜利南路',
    contactName: '高俊峰',
    areaCode: '0478',
    qualifications: [
      ['chineseCook', 'LEVEL_4'],
      ['welder', 'LEVEL_4'],
      ['agriTech', 'LEVEL_4'],
    ],
  },
  {
    key: 'bayannurCollege',
    kind: 'VOCATIONAL_COLLEGE',
    name: '巴彦淖尔技师学院',
    regionCode: '150800',
    registration: '12',
    address: '内蒙古自治区巴彦淖尔市临河区',
    contactName: '招生就业处 乌云',
    areaCode: '0478',
    qualifications: [
      ['agriTech', 'LEVEL_3'],
      ['welder', 'LEVEL_3'],
      ['electrician', 'LEVEL_3'],
    ],
  },
  {
    key: 'ziyangSchool',
    kind: 'TRAINING_INSTITUTION',
    name: '紫阳县修脚技艺职业技能培训中心',
    regionCode: '610924',
    registration: '52',
    address: '陕西省安康市紫阳县城关镇',
    contactName: '陈德华',
    areaCode: '0915',
    qualifications: [
      ['pedicure', null],
      ['eldercare', 'LEVEL_4'],
    ],
  },
  {
    key: 'ankangSchool',
    kind: 'TRAINING_INSTITUTION',
    name: '安康市汉滨区康嫂家政职业技能培训学校',
    regionCode: '610902',
    registration: '52',
    address: '陕西省安康市汉滨区巴山东路',
    contactName: '李秀兰',
    areaCode: '0915',
    qualifications: [
      ['housekeeping', 'LEVEL_3'],
      ['eldercare', 'LEVEL_3'],
      ['infantcare', 'LEVEL_3'],
    ],
  },
  {
    key: 'zaozhuangSchool',
    kind: 'TRAINING_INSTITUTION',
    name: '枣庄市薛城区鲁南职业技能培训学校',
    regionCode: '370403',
    registration: '52',
    address: '山东省枣庄市薛城区永福北路',
    contactName: '孙立新',
    areaCode: '0632',
    qualifications: [
      ['zaozhuangChicken', null],
      ['chineseCook', 'LEVEL_4'],
      ['ecommerce', 'LEVEL_4'],
    ],
  },
  {
    key: 'heyuanSchool',
    kind: 'TRAINING_INSTITUTION',
    name: '河源市源城区客家职业技能培训学校',
    regionCode: '441602',
    registration: '52',
    address: '广东省河源市源城区东环路',
    contactName: '黄志强',
    areaCode: '0762',
    qualifications: [
      ['camelliaPlanting', null],
      ['agriTech', 'LEVEL_4'],
    ],
  },

  // ── evaluation body ──
  {
    key: 'evaluator1',
    kind: 'EVALUATION_BODY',
    name: '临汾市晋技职业技能评价有限公司',
    regionCode: '141000',
    registration: '91',
    address: '山西省临汾市尧都区向阳西路',
    contactName: '郭志刚',
    areaCode: '0357',
    evaluationCode: '1408',
    qualifications: [
      ['welder', 'LEVEL_2'],
      ['electrician', 'LEVEL_2'],
      ['eldercare', 'LEVEL_2'],
      ['housekeeping', 'LEVEL_2'],
      ['chineseCook', 'LEVEL_2'],
      ['chinesePastry', 'LEVEL_2'],
    ],
  },

  // ── enterprises ──
  {
    key: 'enterprise1',
    kind: 'ENTERPRISE',
    name: '临汾汾河煤矿机械制造有限公司',
    regionCode: '141002',
    registration: '91',
    address: '山西省临汾市尧都区屯里镇工业园',
    contactName: '人力资源部 张国栋',
    areaCode: '0357',
  },
  {
    key: 'bayannurFood',
    kind: 'ENTERPRISE',
    name: '巴彦淖尔河套绿源食品有限公司',
    regionCode: '150821',
    registration: '91',
    address: '内蒙古自治区巴彦淖尔市五原县工业园区',
    contactName: '人力资源部 王丽',
    areaCode: '0478',
  },
] as const satisfies readonly OrganizationSeed[];

export type OrganizationKey = (typeof ORGANIZATIONS)[number]['key'];

export function organization(key: OrganizationKey): OrganizationSeed {
  const found = ORGANIZATIONS.find((o) => o.key === key);
  if (!found) throw new Error(`seed: unknown organization ${key}`);
  return found;
}

const ORG_CODE_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2];

/** GB 11714 organisation code: 8 digits derived from the key, then the MOD 11 check character. */
export function organizationCode9(key: string): string {
  const n = createHash('sha256').update(`vtc-demo-seed-v1:org:${key}`).digest().readUInt32BE(0) % 100_000_000;
  const body = String(n).padStart(8, '0');
  const sum = ORG_CODE_WEIGHTS.reduce((acc, w, i) => acc + w * Number(body.charAt(i)), 0);
  const c = 11 - (sum % 11);
  return body + (c === 10 ? 'X' : c === 11 ? '0' : String(c));
}

export function creditCodeOf(org: OrganizationSeed): string {
  return makeCreditCode({
    authority: org.registration.charAt(0),
    orgType: org.registration.charAt(1),
    regionCode: org.regionCode,
    orgCode9: organizationCode9(org.key),
  });
}

/** A landline such as 0357-2186431, stable per organisation. */
export function contactPhoneOf(org: OrganizationSeed): string {
  const n = createHash('sha256').update(`vtc-demo-seed-v1:phone:${org.key}`).digest().readUInt32BE(0) % 8_000_000;
  return `${org.areaCode}-${2_000_000 + n}`;
}
