export * from './password';
export * from './login';
export * from './roles';
