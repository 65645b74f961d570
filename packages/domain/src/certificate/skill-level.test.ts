import { describe, expect, it } from '@jest/globals';
import {
  isHigherLevel,
  isSkillLevel,
  SKILL_LEVEL_INFO,
  SKILL_LEVELS,
  type SkillLevel,
  skillLevelRank,
} from './skill-level';

describe('SKILL_LEVEL_INFO', () => {
  it.each<[SkillLevel, number, string, string]>([
    ['LEVEL_5', 1, '初级工', 'Elementary'],
    ['LEVEL_4', 2, '中级工', 'Intermediate'],
    ['LEVEL_3', 3, '高级工', 'Advanced'],
    ['LEVEL_2', 4, '技师', 'Technician'],
    ['LEVEL_1', 5, '高级技师', 'Senior Technician'],
  ])('%s: rank %i, %s, %s', (level, rank, zh, en) => {
    expect(SKILL_LEVEL_INFO[level]).toEqual({ rank, zh, en });
    expect(skillLevelRank(level)).toBe(rank);
  });

  it('lists levels lowest first', () => {
    expect(SKILL_LEVELS.map(skillLevelRank)).toEqual([1, 2, 3, 4, 5]);
  });
});

describe('isHigherLevel', () => {
  it.each<[SkillLevel, SkillLevel, boolean]>([
    ['LEVEL_1', 'LEVEL_5', true],
    ['LEVEL_3', 'LEVEL_4', true],
    ['LEVEL_2', 'LEVEL_3', true],
    ['LEVEL_4', 'LEVEL_3', false],
    ['LEVEL_5', 'LEVEL_1', false],
    ['LEVEL_3', 'LEVEL_3', false],
  ])('%s higher than %s: %s', (a, b, expected) => {
    expect(isHigherLevel(a, b)).toBe(expected);
  });
});

describe('isSkillLevel', () => {
  it.each<[string, boolean]>([
    ['LEVEL_1', true],
    ['LEVEL_5', true],
    ['LEVEL_0', false],
    ['LEVEL_6', false],
    ['level_3', false],
    ['', false],
  ])('%j → %s', (value, expected) => {
    expect(isSkillLevel(value)).toBe(expected);
  });
});
