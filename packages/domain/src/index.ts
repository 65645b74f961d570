// Pure rules, one folder per concept (the same names as packages/core and apps/api/src/schema).
export * from './shared';
export * from './auth';
export * from './person';
export * from './identifiers';
export * from './training-class';
export * from './import';
export * from './certificate';
export * from './employment';
export * from './subsidy';
