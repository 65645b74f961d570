export * from './auth.ts';
export * from './login.ts';
export * from './first-admin.ts';
