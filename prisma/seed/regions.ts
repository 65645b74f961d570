import { parentRegionCode, regionLevel } from '@vtc/domain';

/**
 * GB/T 2260 administrative divisions of the five cities whose policies the platform is built from (docs/domain.md):
 * Linfen (003), Bayannur (002), Ankang (000), Zaozhuang (001), Heyuan (004), with their provinces
 * and every county-level division.
 */
const NAMES: ReadonlyArray<readonly [code: string, name: string]> = [
  ['140000', '山西省'],
  ['141000', '临汾市'],
  ['141002', '尧都区'],
  ['141021', '曲沃县'],
  ['141022', '翼城县'],
  ['141023', '襄汾县'],
  ['141024', '洪洞县'],
  ['141025', '古县'],
  ['141026', '安泽县'],
  ['141027', '浮山县'],
  ['141028', '吉县'],
  ['141029', '乡宁县'],
  ['141030', '大宁县'],
  ['141031', '隰县'],
  ['141032', '永和县'],
  ['141033', '蒲县'],
  ['141034', '汾西县'],
  ['141081', '侯马市'],
  ['141082', '霍州市'],

  ['150000', '内蒙古自治区'],
  ['150800', '巴彦淖尔市'],
  ['150802', '临河区'],
  ['150821', '五原县'],
  ['150822', '磴口县'],
  ['150823', '乌拉特前旗'],
  ['150824', '乌拉特中旗'],
  ['150825', '乌拉特后旗'],
  ['150826', '杭锦后旗'],

  ['610000', '陕西省'],
  ['610900', '安康市'],
  ['610902', '汉滨区'],
  ['610921', '汉阴县'],
  ['610922', '石泉县'],
  ['610923', '宁陕县'],
  ['610924', '紫阳县'],
  ['610925', '岚皋县'],
  ['610926', '平利县'],
  ['610927', '镇坪县'],
  ['610929', '白河县'],
  ['610981', '旬阳市'],

  ['370000', '山东省'],
  ['370400', '枣庄市'],
  ['370402', '市中区'],
  ['370403', '薛城区'],
  ['370404', '峄城区'],
  ['370405', '台儿庄区'],
  ['370406', '山亭区'],
  ['370481', '滕州市'],

  ['440000', '广东省'],
  ['441600', '河源市'],
  ['441602', '源城区'],
  ['441621', '紫金县'],
  ['441622', '龙川县'],
  ['441623', '连平县'],
  ['441624', '和平县'],
  ['441625', '东源县'],
];

export interface RegionSeed {
  code: string;
  name: string;
  level: 'PROVINCE' | 'CITY' | 'COUNTY';
  parentCode: string | null;
}

/** Parents before children, so rows can be inserted in this order. */
export const REGIONS: readonly RegionSeed[] = NAMES.map(([code, name]) => ({
  code,
  name,
  level: regionLevel(code),
  parentCode: parentRegionCode(code),
}));

export const REGION_NAME: ReadonlyMap<string, string> = new Map(NAMES);

export function regionName(code: string): string {
  const name = REGION_NAME.get(code);
  if (!name) throw new Error(`seed: unknown region ${code}`);
  return name;
}

/** County-level codes under a city. */
export function countiesOf(cityCode: string): string[] {
  return REGIONS.filter((r) => r.level === 'COUNTY' && r.parentCode === cityCode).map((r) => r.code);
}

export const CITY = {
  LINFEN: '141000',
  BAYANNUR: '150800',
  ANKANG: '610900',
  ZAOZHUANG: '370400',
  HEYUAN: '441600',
} as const;

/** Long-distance telephone area codes, for plausible landline numbers of organisations. */
export const AREA_CODE: Readonly<Record<string, string>> = {
  '14': '0357', // Linfen (Taiyuan is 0351, used for the province)
  '15': '0478',
  '61': '0915',
  '37': '0632',
  '44': '0762',
};
