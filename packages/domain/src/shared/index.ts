export * from './calendar-date';
export * from './errors';
export * from './text';
