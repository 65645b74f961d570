import { describe, expect, it } from '@jest/globals';
import { howToObject, publicNoticeEntry } from './public-notice';

describe('a claim under public notice shows only what the notice lists', () => {
  const base = {
    klass: { code: 'PX-141002-2026-0051', name: '养老护理员(五级)培训班' },
    region: { code: '141002', name: '尧都区' },
    noticeStartsOn: '2026-11-20',
    noticeEndsOn: '2026-11-27',
    lines: [
      { personName: '张伟', amountFen: 190_000 },
      { personName: '欧阳娜娜', amountFen: 140_050 },
    ],
  };
  it.each([
    ['an institution claims', { organizationName: '尧都区培训学校', personName: null }, '尧都区培训学校'],
    ['a person claims for themself: masked', { organizationName: null, personName: '李娜' }, '李*'],
  ])('%s', (_n, claimant, claimantName) => {
    const e = publicNoticeEntry({ ...base, claimant });
    expect(e).toEqual({
      claimantName,
      classCode: 'PX-141002-2026-0051',
      className: '养老护理员(五级)培训班',
      regionCode: '141002',
      regionName: '尧都区',
      noticeStartsOn: '2026-11-20',
      noticeEndsOn: '2026-11-27',
      totalYuan: '3,300.50',
      persons: [
        { nameMasked: '张*', amountYuan: '1,900.00' },
        { nameMasked: '欧***', amountYuan: '1,400.50' },
      ],
      howToObject: howToObject(base.region, '2026-11-27'),
    });
  });
  it('says whom to contact and by when', () => {
    const h = howToObject({ code: '141002', name: '尧都区' }, '2026-11-27');
    expect(h.zh).toContain('2026-11-27(含)前向尧都区人力资源和社会保障部门');
    expect(h.en).toContain('bureau of 尧都区 (141002) or a bureau above it by 2026-11-27 (inclusive)');
  });
});
