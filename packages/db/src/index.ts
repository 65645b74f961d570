export * from './client.ts';
export { ensureDatabase, migrate, readMigrations, MIGRATIONS_DIR } from './migrate.ts';
export * from './pg-session.ts';
export * from './sql.ts';
