import { z } from 'zod';
import { builder } from '../builder.ts';

/** Reference data every signed-in user may read: regions, occupations, skill levels. */
export const RegionLevelEnum = builder.enumType('RegionLevel', { values: ['PROVINCE', 'CITY', 'COUNTY'] as const });
export const SkillLevelEnum = builder.enumType('SkillLevel', {
  values: {
    LEVEL_5: { description: '初级工 (level 5)' },
    LEVEL_4: { description: '中级工 (level 4)' },
    LEVEL_3: { description: '高级工 (level 3)' },
    LEVEL_2: { description: '技师 (level 2)' },
    LEVEL_1: { description: '高级技师 (level 1)' },
  } as const,
});

export const Region = builder.prismaNode('Region', {
  id: { field: 'code' },
  fields: (t) => ({
    code: t.exposeString('code'),
    name: t.exposeString('name'),
    level: t.expose('level', { type: RegionLevelEnum }),
    parent: t.relation('parent', { nullable: true }),
    children: t.relation('children', { query: { orderBy: { code: 'asc' } } }),
  }),
});

export const Occupation = builder.prismaNode('Occupation', {
  id: { field: 'id' },
  fields: (t) => ({
    code: t.exposeString('code', { description: 'National occupation classification code, e.g. 4-10-01-05' }),
    name: t.exposeString('name'),
    subsidyTier: t.exposeInt('subsidyTier'),
    levels: t.expose('levels', { type: [SkillLevelEnum] }),
    specialAbility: t.exposeBoolean('specialAbility'),
  }),
});

builder.queryFields((t) => ({
  regions: t.prismaField({
    type: [Region],
    description: 'Regions, optionally the children of one region (top level when parentCode is omitted).',
    args: { parentCode: t.arg.string({ required: false, validate: z.string().regex(/^\d{6}$/, 'must be a 6-digit region code') }) },
    resolve: (query, _root, args, ctx) =>
      ctx.prisma.region.findMany({
        ...query,
        where: { parentCode: args.parentCode ?? null },
        orderBy: { code: 'asc' },
      }),
  }),
  occupations: t.prismaField({
    type: [Occupation],
    resolve: (query, _root, _args, ctx) => ctx.prisma.occupation.findMany({ ...query, orderBy: { code: 'asc' } }),
  }),
}));

export const LabourBrandLevelEnum = builder.enumType('LabourBrandLevel', {
  values: ['COUNTY', 'CITY', 'PROVINCE', 'NATIONAL'] as const,
});

/** 劳务品牌 such as 临汾技工 (public reference data). */
export const LabourBrand = builder.prismaNode('LabourBrand', {
  id: { field: 'id' },
  fields: (t) => ({
    name: t.exposeString('name'),
    level: t.expose('level', { type: LabourBrandLevelEnum }),
    region: t.relation('region'),
    industry: t.exposeString('industry', { nullable: true }),
    description: t.exposeString('description', { nullable: true }),
    recognizedYear: t.exposeInt('recognizedYear', { nullable: true }),
  }),
});

builder.queryField('labourBrands', (t) =>
  t.prismaField({
    type: [LabourBrand],
    args: { regionCode: t.arg.string({ required: false, validate: z.string().regex(/^\d{6}$/, 'must be a 6-digit region code') }) },
    resolve: (query, _root, args, ctx) =>
      ctx.prisma.labourBrand.findMany({
        ...query,
        where: args.regionCode ? { regionCode: args.regionCode } : {},
        orderBy: { name: 'asc' },
      }),
  }),
);
