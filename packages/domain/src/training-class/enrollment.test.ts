import { describe, expect, it } from '@jest/globals';
import { makeResidentId } from '../identifiers/resident-id';
import { DEFAULT_TRAINING_RULES, trainingRulesFrom } from './policy';
import { type TraineeRawInput, type TraineeValidationContext, traineeErrorCode, validateTraineeInput } from './enrollment';

const today = new Date('2026-03-01T04:00:00Z');
const ctx: TraineeValidationContext = { today, rules: DEFAULT_TRAINING_RULES };
const man30 = makeResidentId({ regionCode: '141002', birthDate: '1996-02-01', sequence: 11 });
const woman30 = makeResidentId({ regionCode: '150802', birthDate: '1996-02-01', sequence: 12 });
const valid: TraineeRawInput = { name: '张三', idNumber: man30 };

function errorsOf(raw: TraineeRawInput, c = ctx) {
  const r = validateTraineeInput(raw, c);
  return r.ok ? [] : r.errors.map((e) => `${e.field}:${e.rule}`);
}

describe('validateTraineeInput: a valid trainee', () => {
  it('normalises every field', () => {
    const r = validateTraineeInput(
      {
        name: '  阿不都热合曼 • 买买提 ',
        idNumber: ` ${woman30.toLowerCase()} `,
        phone: '+86 138 1234 5678',
        householdType: '农业户口',
        priorityGroups: '农民工、 VETERAN ;两后生',
      },
      ctx,
    );
    expect(r).toEqual({
      ok: true,
      value: {
        name: '阿不都热合曼·买买提',
        idNumber: woman30,
        birthDate: '1996-02-01',
        sex: 'FEMALE',
        originRegionCode: '150802',
        phone: '13812345678',
        householdType: 'RURAL',
        priorityGroups: ['RURAL_MIGRANT_WORKER', 'VETERAN', 'TWO_AFTER_YOUTH'],
      },
    });
  });
  it('leaves optional fields empty', () => {
    const r = validateTraineeInput(valid, ctx);
    expect(r.ok && r.value).toMatchObject({ phone: null, householdType: null, priorityGroups: [], sex: 'MALE' });
  });
  it.each([
    ['张三', '张三'],
    ['欧阳 娜娜', null],
    ['John  Smith', 'John Smith'],
    ['Zoë Müller', 'Zoë Müller'],
    ['𠀀𠀁', '𠀀𠀁'],
  ])('name %j → %j', (name, expected) => {
    const r = validateTraineeInput({ ...valid, name }, ctx);
    expect(r.ok ? r.value.name : null).toBe(expected);
  });
  it.each([
    ['13812345678', '13812345678'],
    ['138-1234-5678', '13812345678'],
    [13812345678, '13812345678'],
    ['0357-1234567', '0357-1234567'],
    ['010 87654321', '010-87654321'],
    ['02012345678', '020-12345678'],
    ['', null],
  ])('phone %j → %j', (phone, expected) => {
    const r = validateTraineeInput({ ...valid, phone }, ctx);
    expect(r.ok ? r.value.phone : 'invalid').toBe(expected);
  });
  it.each([
    ['URBAN', 'URBAN'],
    ['rural', 'RURAL'],
    ['城镇', 'URBAN'],
    ['非农业', 'URBAN'],
    ['农村', 'RURAL'],
    ['农业', 'RURAL'],
    [' ', null],
  ])('household type %j → %j', (householdType, expected) => {
    const r = validateTraineeInput({ ...valid, householdType }, ctx);
    expect(r.ok ? r.value.householdType : 'invalid').toBe(expected);
  });
  it.each([
    ['失业人员,退役军人', ['UNEMPLOYED', 'VETERAN']],
    ['DISABLED|灵活就业人员', ['DISABLED', 'FLEXIBLE_WORKER']],
    ['高校毕业生，脱贫劳动力；就业困难人员', ['COLLEGE_GRADUATE', 'POVERTY_RELIEF_LABOUR', 'EMPLOYMENT_DIFFICULTY']],
    [['UNEMPLOYED', '两后生'], ['UNEMPLOYED', 'TWO_AFTER_YOUTH']],
    ['', []],
  ])('priority groups %j → %j', (priorityGroups, expected) => {
    const r = validateTraineeInput({ ...valid, priorityGroups }, ctx);
    expect(r.ok ? r.value.priorityGroups : 'invalid').toEqual(expected);
  });
});

describe('validateTraineeInput: rejections', () => {
  const badCheck = `${man30.slice(0, 17)}${man30.endsWith('0') ? '1' : '0'}`;
  const future = makeResidentId({ regionCode: '141002', birthDate: '2027-01-01', sequence: 11 });
  const boy15 = makeResidentId({ regionCode: '141002', birthDate: '2010-03-02', sequence: 11 });
  const woman56 = makeResidentId({ regionCode: '141002', birthDate: '1970-02-28', sequence: 12 });
  const man56 = makeResidentId({ regionCode: '141002', birthDate: '1970-02-28', sequence: 13 });
  it.each<[string, TraineeRawInput, string[]]>([
    ['missing name', { idNumber: man30 }, ['name:REQUIRED']],
    ['one-character name', { ...valid, name: '张' }, ['name:LENGTH']],
    ['31-character name', { ...valid, name: '张'.repeat(31) }, ['name:LENGTH']],
    ['digits in name', { ...valid, name: '张三3' }, ['name:FORMAT']],
    ['mixed scripts', { ...valid, name: '张 San' }, ['name:FORMAT']],
    ['leading dot', { ...valid, name: '·买买提' }, ['name:FORMAT']],
    ['missing ID', { name: '张三' }, ['idNumber:REQUIRED']],
    ['short ID', { ...valid, idNumber: '1410021996' }, ['idNumber:LENGTH']],
    ['letters in ID', { ...valid, idNumber: `A${man30.slice(1)}` }, ['idNumber:FORMAT']],
    ['bad checksum', { ...valid, idNumber: badCheck }, ['idNumber:CHECKSUM']],
    ['future birth date', { ...valid, idNumber: future }, ['idNumber:BIRTH_DATE_FUTURE']],
    ['boy of 15', { ...valid, idNumber: boy15 }, ['idNumber:WORKING_AGE']],
    ['woman of 56', { ...valid, idNumber: woman56 }, ['idNumber:WORKING_AGE']],
    ['bad mobile', { ...valid, phone: '12812345678' }, ['phone:FORMAT']],
    ['landline without area code', { ...valid, phone: '1234567' }, ['phone:FORMAT']],
    ['unknown household', { ...valid, householdType: '外籍' }, ['householdType:UNKNOWN']],
    ['unknown group', { ...valid, priorityGroups: '农民工、学生' }, ['priorityGroups:UNKNOWN']],
    ['duplicate group', { ...valid, priorityGroups: '农民工,RURAL_MIGRANT_WORKER' }, ['priorityGroups:DUPLICATE']],
    [
      'everything at once',
      { name: '', idNumber: badCheck, phone: 'x', householdType: 'x', priorityGroups: 'x' },
      ['name:REQUIRED', 'idNumber:CHECKSUM', 'phone:FORMAT', 'householdType:UNKNOWN', 'priorityGroups:UNKNOWN'],
    ],
  ])('%s', (_label, raw, expected) => {
    expect(errorsOf(raw)).toEqual(expected);
  });

  it('gives bilingual messages', () => {
    const r = validateTraineeInput({ ...valid, idNumber: boy15 }, ctx);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.errors[0]?.zh).toContain('15岁');
      expect(r.errors[0]?.en).toContain('Age 15');
    }
  });

  it('checks the working age on the class start date', () => {
    expect(errorsOf({ ...valid, idNumber: boy15 }, { ...ctx, on: '2026-03-02' })).toEqual([]);
    expect(errorsOf({ ...valid, idNumber: man56 }, { ...ctx, on: '2031-02-28' })).toEqual(['idNumber:WORKING_AGE']);
    expect(errorsOf({ ...valid, idNumber: man56 }, { ...ctx, on: '2031-02-27' })).toEqual([]);
    expect(errorsOf({ ...valid, idNumber: man30 }, { ...ctx, on: '1990-01-01' })).toEqual(['idNumber:WORKING_AGE']);
  });

  it('follows the policy rules', () => {
    const rules = trainingRulesFrom({ workingAge: { FEMALE: { min: 16, max: 60 } } });
    expect(errorsOf({ ...valid, idNumber: woman56 }, { today, rules })).toEqual([]);
  });
});

describe('traineeErrorCode', () => {
  const wrongCheck = `${man30.slice(0, 17)}${man30[17] === '1' ? '2' : '1'}`;
  it.each([
    ['a wrong check character', { ...valid, idNumber: wrongCheck }, 'INVALID_RESIDENT_ID'],
    ['17 characters', { ...valid, idNumber: man30.slice(0, 17) }, 'INVALID_RESIDENT_ID'],
    ['an unknown region', { ...valid, idNumber: `999999${man30.slice(6)}` }, 'INVALID_RESIDENT_ID'],
    ['no ID number', { ...valid, idNumber: '' }, 'VALIDATION'],
    ['a name of one character', { ...valid, name: '张' }, 'VALIDATION'],
    ['a 15-year-old', { ...valid, idNumber: makeResidentId({ regionCode: '141002', birthDate: '2011-02-01', sequence: 11 }) }, 'INELIGIBLE'],
  ])('%s → %s', (_name, raw, code) => {
    const r = validateTraineeInput(raw, ctx);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(traineeErrorCode(r.errors[0]!)).toBe(code);
  });
});
