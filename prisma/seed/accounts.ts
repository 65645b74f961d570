import type { Role } from '@vtc/domain';
import type { OrganizationKey } from './organizations.ts';

/** A demo login and what it may see. All demo accounts share the configured DEMO_PASSWORD. */
export interface DemoAccount {
  username: string;
  role: Role;
  displayName: string;
  /** Scope in English. */
  scope: string;
  /** Scope in Chinese. */
  scopeZh: string;
}

interface AccountSeed extends DemoAccount {
  regionCode?: string;
  organization?: OrganizationKey;
  /** The account is the trainee person chosen by the seed. */
  trainee?: true;
  canViewIdNumbers?: boolean;
}

const ACCOUNTS: readonly AccountSeed[] = [
  {
    username: 'admin',
    role: 'SYSTEM_ADMIN',
    displayName: '系统管理员',
    scope: 'Whole platform: users, reference data, policies',
    scopeZh: '全平台:用户、基础数据、补贴政策',
  },
  {
    username: 'shanxi.bureau',
    role: 'BUREAU_OFFICER',
    displayName: '山西省人社厅 职业能力建设处',
    regionCode: '140000',
    organization: 'shanxiBureau',
    canViewIdNumbers: true,
    scope: 'Shanxi province bureau: all of Shanxi (Linfen and its counties); may view full ID numbers (audited)',
    scopeZh: '山西省人社厅:全省(含临汾市及各县区),可查看完整身份证号(留痕)',
  },
  {
    username: 'linfen.bureau',
    role: 'BUREAU_OFFICER',
    displayName: '临汾市人社局 职业能力建设科',
    regionCode: '141000',
    organization: 'linfenBureau',
    canViewIdNumbers: true,
    scope: 'Linfen city bureau: Linfen and its 17 counties; may view full ID numbers (audited)',
    scopeZh: '临汾市人社局:临汾市及所辖17个县(市、区),可查看完整身份证号(留痕)',
  },
  {
    username: 'yaodu.bureau',
    role: 'BUREAU_OFFICER',
    displayName: '尧都区人社局 职业能力建设股',
    regionCode: '141002',
    organization: 'yaoduBureau',
    scope: 'Yaodu district bureau (Linfen): Yaodu only',
    scopeZh: '尧都区人社局:仅尧都区',
  },
  {
    username: 'xiangfen.bureau',
    role: 'BUREAU_OFFICER',
    displayName: '襄汾县人社局 职业能力建设股',
    regionCode: '141023',
    organization: 'xiangfenBureau',
    scope: 'Xiangfen county bureau (Linfen): Xiangfen only',
    scopeZh: '襄汾县人社局:仅襄汾县',
  },
  {
    username: 'bayannur.bureau',
    role: 'BUREAU_OFFICER',
    displayName: '巴彦淖尔市人社局 职业能力建设科',
    regionCode: '150800',
    organization: 'bayannurBureau',
    scope: 'Bayannur city bureau: Bayannur and its 7 banners/counties',
    scopeZh: '巴彦淖尔市人社局:巴彦淖尔市及所辖7个旗县区',
  },
  {
    username: 'institution1',
    role: 'INSTITUTION_STAFF',
    displayName: '鑫源职业技能培训学校 教务员',
    organization: 'institution1',
    scope: 'Training school in Yaodu (Linfen): its own classes, trainees, attendance and claims',
    scopeZh: '临汾市尧都区鑫源职业技能培训学校:本机构的培训班、学员、考勤与补贴申领',
  },
  {
    username: 'institution2',
    role: 'INSTITUTION_STAFF',
    displayName: '丁陶职业技能培训学校 教务员',
    organization: 'institution2',
    scope: 'Training school in Xiangfen (Linfen): its own classes, trainees, attendance and claims',
    scopeZh: '襄汾县丁陶职业技能培训学校:本机构的培训班、学员、考勤与补贴申领',
  },
  {
    username: 'hetao.school',
    role: 'INSTITUTION_STAFF',
    displayName: '河套职业技能培训学校 教务员',
    organization: 'hetaoSchool',
    scope: 'Training school in Linhe (Bayannur): its own classes, trainees, attendance and claims',
    scopeZh: '巴彦淖尔市临河区河套职业技能培训学校:本机构的培训班、学员、考勤与补贴申领',
  },
  {
    username: 'college1',
    role: 'INSTITUTION_STAFF',
    displayName: '临汾职业技术学院 教务处',
    organization: 'college1',
    scope: 'Linfen Vocational and Technical College: its classes and dual-certificate students',
    scopeZh: '临汾职业技术学院:本校培训班与“双证书”学生',
  },
  {
    username: 'evaluator1',
    role: 'EVALUATOR',
    displayName: '晋技职业技能评价 考务员',
    organization: 'evaluator1',
    scope: 'Social training-evaluation organisation (code 1408): assessment sessions, results, certificates',
    scopeZh: '临汾市晋技职业技能评价有限公司(评价机构代码1408):考核计划、成绩与证书',
  },
  {
    username: 'enterprise1',
    role: 'ENTERPRISE_STAFF',
    displayName: '汾河煤机 人力资源部',
    organization: 'enterprise1',
    scope: 'Coal-machinery enterprise in Yaodu: training orders, apprenticeships, hires',
    scopeZh: '临汾汾河煤矿机械制造有限公司:订单培训、企业新型学徒制、录用确认',
  },
  {
    username: 'trainee1',
    role: 'TRAINEE',
    displayName: '', // the trainee's own name, filled in by the seed
    trainee: true,
    scope: 'A trainee in an elder-care class of institution1: own classes, certificates, subsidies',
    scopeZh: '鑫源职业技能培训学校养老护理员班学员:本人的培训、证书与补贴',
  },
];

/** The demo logins, for the start script and the README. */
export const DEMO_ACCOUNTS: readonly DemoAccount[] = ACCOUNTS.map(
  ({ username, role, displayName, scope, scopeZh }) => ({
    username,
    role,
    displayName: displayName || '学员本人',
    scope,
    scopeZh,
  }),
);

export const ACCOUNT_SEEDS = ACCOUNTS;
