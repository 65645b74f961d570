export * from './auth.ts';
export * from './login.ts';
