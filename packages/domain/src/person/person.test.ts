import { describe, expect, it } from '@jest/globals';
import { maskPersonName, maskPhone } from './person';

describe('maskPhone: first 3 and last 4 characters', () => {
  it.each<[string | null, string | null]>([
    ['13812345678', '138****5678'],
    ['+8613812345678', '+86****5678'],
    ['0357-2345678', '035****5678'],
    ['1234567', '123****4567'],
    ['123456', '123456'],
    ['', ''],
    [null, null],
  ])('%p → %p', (phone, masked) => {
    expect(maskPhone(phone)).toBe(masked);
  });
});

describe('maskPersonName: the first character only', () => {
  it.each<[string, string]>([
    ['张伟', '张*'],
    ['欧阳娜娜', '欧***'],
    [' 李 ', '*'],
    ['', '*'],
  ])('%p → %p', (name, masked) => {
    expect(maskPersonName(name)).toBe(masked);
  });
});
