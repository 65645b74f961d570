export * from './assessment';
export * from './number';
export * from './skill-level';
export * from './dates';
