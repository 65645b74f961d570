/**
 * The logging surface jobs code needs; a pino logger satisfies it. Log ids, counts and error messages,
 * never job payloads beyond ids (job data sits in Redis in clear text; logs travel further still).
 */
export interface Logger {
  debug(obj: Record<string, unknown>, msg?: string): void;
  info(obj: Record<string, unknown>, msg?: string): void;
  warn(obj: Record<string, unknown>, msg?: string): void;
  error(obj: Record<string, unknown>, msg?: string): void;
}

const noop = (): void => {};

export const silentLogger: Logger = { debug: noop, info: noop, warn: noop, error: noop };

/** A short, value-free description of an unknown error for logs and `lastError` columns. */
export function errorMessage(err: unknown, max = 500): string {
  const text = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
