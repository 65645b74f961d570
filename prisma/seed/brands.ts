import type { OccupationKey } from './occupations.ts';

/** 劳务品牌 named in the policy texts. Levels follow the region that runs the brand. */
export interface LabourBrandSeed {
  key: string;
  name: string;
  regionCode: string;
  level: 'COUNTY' | 'CITY' | 'PROVINCE' | 'NATIONAL';
  industry: string;
  occupation: OccupationKey | null;
  description: string;
  recognizedYear: number | null;
}

export const LABOUR_BRANDS = [
  {
    key: 'linfenTechnician',
    name: '临汾技工',
    regionCode: '141000',
    level: 'CITY',
    industry: '工业制造、餐饮服务、家政康养',
    occupation: null,
    description:
      '临汾市“一县一品”系列劳务品牌,推进“培训+鉴定+就业+服务”模式;每个县(市、区)每年至少举办一场特色技能大赛(003 第6、7、10条)。',
    recognizedYear: null,
  },
  {
    key: 'xiangfenShaobing',
    name: '襄汾烧饼',
    regionCode: '141023',
    level: 'COUNTY',
    industry: '餐饮服务',
    occupation: 'xiangfenShaobing',
    description: '“临汾技工”县级品牌,持续加大襄汾烧饼连锁店建设力度(003 第7条)。',
    recognizedYear: null,
  },
  {
    key: 'fushanChef',
    name: '浮山厨师',
    regionCode: '141027',
    level: 'COUNTY',
    industry: '餐饮服务',
    occupation: 'chineseCook',
    description: '“临汾技工”县级品牌,浮山厨师连锁店建设(003 第7条)。',
    recognizedYear: null,
  },
  {
    key: 'hetaoCraftsman',
    name: '河套工匠',
    regionCode: '150800',
    level: 'CITY',
    industry: '农畜产品加工、装备制造',
    occupation: null,
    description: '巴彦淖尔市“河套工匠”专项培训计划,培育“特色产业+特色劳务”双品牌(002 第二部分(三))。',
    recognizedYear: null,
  },
  {
    key: 'ziyangPedicure',
    name: '紫阳修脚师',
    regionCode: '610924',
    level: 'COUNTY',
    industry: '生活服务(修脚保健)',
    occupation: 'pedicure',
    description: '发展壮大紫阳修脚师劳务品牌(000 第11条)。',
    recognizedYear: null,
  },
  {
    key: 'xunyangBuilders',
    name: '旬阳建工',
    regionCode: '610981',
    level: 'COUNTY',
    industry: '建筑施工',
    occupation: 'bricklayer',
    description: '发展壮大旬阳建工劳务品牌(000 第11条)。',
    recognizedYear: null,
  },
  {
    key: 'ankangChef',
    name: '安康美厨',
    regionCode: '610900',
    level: 'CITY',
    industry: '餐饮服务',
    occupation: 'chineseCook',
    description: '培育打造安康美厨劳务品牌(000 第11条)。',
    recognizedYear: null,
  },
  {
    key: 'ankangEldercare',
    name: '安康养老护理',
    regionCode: '610900',
    level: 'CITY',
    industry: '康养服务',
    occupation: 'eldercare',
    description: '培育打造安康养老护理劳务品牌,拓展秦巴康养技能培训(000 第11条)。',
    recognizedYear: null,
  },
  {
    key: 'baiheInsulation',
    name: '白河保温工',
    regionCode: '610929',
    level: 'COUNTY',
    industry: '建筑节能保温施工',
    occupation: null,
    description: '培育打造白河保温工劳务品牌(000 第11条)。',
    recognizedYear: null,
  },
  {
    key: 'kangsaoHousekeeping',
    name: '康嫂家政',
    regionCode: '610900',
    level: 'CITY',
    industry: '家政服务、母婴护理',
    occupation: 'housekeeping',
    description: '培育打造康嫂家政劳务品牌(000 第11条)。',
    recognizedYear: null,
  },
] as const satisfies readonly LabourBrandSeed[];

export type LabourBrandKey = (typeof LABOUR_BRANDS)[number]['key'];
