import { maskPersonName } from '../person/person';
import { formatYuan } from './money';

/**
 * What the public notice (公示) of a claim shows, and nothing more: the claimant (an organization by
 * name; a person claiming for themself masked), the class (number and name) when the claim is for
 * one, each accepted line's person masked (张*) with its amount in yuan, the total, the notice
 * period, and how to object. No ID numbers, phones, record ids or rejected lines.
 *
 * How to object follows the objection path of the code (core/subsidy/objection.ts): an objection is
 * recorded by a human resources and social security bureau covering the claim's region while the
 * notice runs (through its last day), with who objects, a contact and the reason.
 */
export interface NoticeClaimInput {
  claimant: { organizationName: string | null; personName: string | null };
  klass: { code: string; name: string } | null;
  region: { code: string; name: string };
  noticeStartsOn: string;
  noticeEndsOn: string;
  /** Accepted lines only, in a stable order. */
  lines: ReadonlyArray<{ personName: string; amountFen: number }>;
}

export interface PublicNoticeEntry {
  claimantName: string;
  classCode: string | null;
  className: string | null;
  regionCode: string;
  regionName: string;
  noticeStartsOn: string;
  noticeEndsOn: string;
  totalYuan: string;
  persons: Array<{ nameMasked: string; amountYuan: string }>;
  howToObject: { zh: string; en: string };
}

export function publicNoticeEntry(input: NoticeClaimInput): PublicNoticeEntry {
  const total = input.lines.reduce((s, l) => s + l.amountFen, 0);
  return {
    claimantName: input.claimant.organizationName ?? maskPersonName(input.claimant.personName ?? ''),
    classCode: input.klass?.code ?? null,
    className: input.klass?.name ?? null,
    regionCode: input.region.code,
    regionName: input.region.name,
    noticeStartsOn: input.noticeStartsOn,
    noticeEndsOn: input.noticeEndsOn,
    totalYuan: formatYuan(Math.max(total, 0)),
    persons: input.lines.map((l) => ({ nameMasked: maskPersonName(l.personName), amountYuan: formatYuan(l.amountFen) })),
    howToObject: howToObject(input.region, input.noticeEndsOn),
  };
}

/** The objection instructions of a notice: which bureau, by when, what to give. */
export function howToObject(region: { code: string; name: string }, noticeEndsOn: string): { zh: string; en: string } {
  return {
    zh: `对公示内容有异议的,请于${noticeEndsOn}(含)前向${region.name}人力资源和社会保障部门或其上级人社部门实名反映,说明申领单位、培训班及异议理由并留下联系方式,由人社部门登记核查。`,
    en: `To object, contact the human resources and social security bureau of ${region.name} (${region.code}) or a bureau above it by ${noticeEndsOn} (inclusive), giving your name, a contact, the claimant, the class and your reason; the bureau records and investigates the objection.`,
  };
}
