import { describe, expect, it } from '@jest/globals';
import { DomainError } from '../shared/errors';
import {
  isRegionCode,
  parentRegionCode,
  type RegionLevel,
  regionAncestors,
  regionCovers,
  regionScopePrefix,
  regionLevel,
} from './region-code';

describe('isRegionCode', () => {
  it.each<[string, boolean]>([
    ['110000', true], // Beijing
    ['110105', true], // Chaoyang district
    ['140000', true], // Shanxi
    ['141000', true], // Linfen
    ['141002', true], // Yaodu district
    ['150800', true], // Bayannur
    ['429004', true], // Xiantao, county-level city directly under Hubei
    ['710000', true],
    ['820000', true],
    ['000000', false],
    ['100000', false], // no province 10
    ['160000', false],
    ['830000', false],
    ['990100', false],
    ['110001', false], // county part under a missing city part
    ['14100', false],
    ['1410021', false],
    ['14100a', false],
    [' 141002', false],
    ['', false],
  ])('%j → %s', (code, expected) => {
    expect(isRegionCode(code)).toBe(expected);
  });
});

describe('regionLevel / parentRegionCode / regionAncestors', () => {
  it.each<[string, RegionLevel, string | null, string[]]>([
    ['140000', 'PROVINCE', null, ['140000']],
    ['141000', 'CITY', '140000', ['141000', '140000']],
    ['141002', 'COUNTY', '141000', ['141002', '141000', '140000']],
    ['110100', 'CITY', '110000', ['110100', '110000']], // 北京市市辖区
    ['110105', 'COUNTY', '110100', ['110105', '110100', '110000']],
    ['429004', 'COUNTY', '429000', ['429004', '429000', '420000']], // 省直辖县级行政区划
    ['150802', 'COUNTY', '150800', ['150802', '150800', '150000']],
  ])('%s is %s, parent %s', (code, level, parent, ancestors) => {
    expect(regionLevel(code)).toBe(level);
    expect(parentRegionCode(code)).toBe(parent);
    expect(regionAncestors(code)).toEqual(ancestors);
  });

  it.each(['000000', '110001', '99', ''])('rejects %j', (code) => {
    expect(() => regionLevel(code)).toThrow(DomainError);
    expect(() => parentRegionCode(code)).toThrow(DomainError);
    expect(() => regionAncestors(code)).toThrow(DomainError);
  });
});

describe('regionCovers', () => {
  it.each<[string, string, boolean]>([
    // province
    ['140000', '140000', true],
    ['140000', '141000', true],
    ['140000', '141002', true],
    ['140000', '150800', false],
    // city
    ['141000', '141000', true],
    ['141000', '141002', true],
    ['141000', '141081', true],
    ['141000', '140000', false], // never upwards
    ['141000', '140100', false],
    ['141000', '142002', false],
    // county
    ['141002', '141002', true],
    ['141002', '141081', false],
    ['141002', '141000', false],
    // malformed codes are never covered
    ['140000', '140001', false],
    ['140000', '14100', false],
    ['000000', '141002', false],
  ])('%s covers %s: %s', (ancestor, code, expected) => {
    expect(regionCovers(ancestor, code)).toBe(expected);
  });
});

describe('regionScopePrefix agrees with regionCovers', () => {
  const cases: Array<[string, string]> = [
    ['140000', '14'],
    ['141000', '1410'],
    ['141002', '141002'],
    ['150800', '1508'],
  ];
  it.each(cases)('%s → %s', (code, prefix) => {
    expect(regionScopePrefix(code)).toBe(prefix);
  });
  const probes = ['140000', '141000', '141002', '141023', '150800', '150802', '610924', '141100'];
  it.each(cases.map(([c]) => c))('prefix of %s selects exactly the covered codes', (code) => {
    for (const p of probes) {
      expect(p.startsWith(regionScopePrefix(code))).toBe(regionCovers(code, p));
    }
  });
});
