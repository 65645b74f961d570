import pino, { type Logger } from 'pino';

/**
 * Structured JSON logs. Never log ID numbers, passwords or tokens: request bodies and variables are
 * not logged at all, and these paths are redacted wherever they might appear.
 */
export function createLogger(level: string, service: string): Logger {
  return pino({
    level,
    base: { service },
    redact: {
      paths: [
        'req.headers.authorization',
        'headers.authorization',
        '*.password',
        '*.idNumber',
        '*.token',
        'variables',
        '*.variables',
      ],
      censor: '[redacted]',
    },
  });
}
