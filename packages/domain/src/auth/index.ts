export * from './password';
export * from './roles';
