// The use cases, one folder per feature (the same names as packages/domain and apps/api/src/schema).
export * from './shared/index.ts';
export * from './auth/index.ts';
export * from './person/index.ts';
export * from './training-class/index.ts';
export * from './import/index.ts';
export * from './certificate/index.ts';
export * from './subsidy/index.ts';
export * from './apprenticeship/index.ts';
export * from './staff-training/index.ts';
export * from './employment/index.ts';
export * from './notification/index.ts';
