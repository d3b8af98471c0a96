/**
 * Structured JSON logs that Cloud Logging understands: `severity`, `message`,
 * and the request id on every line of a request's work. Secrets are redacted
 * by key name wherever they appear.
 */
import pino from 'pino';
import type { Logger } from '../ports';

const SEVERITY: Record<string, string> = {
  trace: 'DEBUG',
  debug: 'DEBUG',
  info: 'INFO',
  warn: 'WARNING',
  error: 'ERROR',
  fatal: 'CRITICAL',
};

export const REDACTED_KEYS = ['token', 'botToken', 'signingSecret', 'authorization', 'Authorization', 'idToken', 'password', 'secret'];

export function createLogger(options: { level: string; destination?: NodeJS.WritableStream | undefined }): Logger {
  const instance = pino(
    {
      level: options.level,
      messageKey: 'message',
      base: undefined,
      timestamp: () => `,"time":"${new Date().toISOString()}"`,
      formatters: { level: (label) => ({ severity: SEVERITY[label] ?? 'DEFAULT' }) },
      redact: { paths: [...REDACTED_KEYS, ...REDACTED_KEYS.map((k) => `*.${k}`), 'headers.authorization'], censor: '[redacted]' },
    },
    (options.destination as pino.DestinationStream | undefined) ?? pino.destination({ sync: true }),
  );
  return wrap(instance);
}

function wrap(instance: pino.Logger): Logger {
  return {
    debug: (message, fields) => instance.debug(fields ?? {}, message),
    info: (message, fields) => instance.info(fields ?? {}, message),
    warn: (message, fields) => instance.warn(fields ?? {}, message),
    error: (message, fields) => instance.error(fields ?? {}, message),
    child: (fields) => wrap(instance.child(fields)),
  };
}

/** A logger that drops everything (tests that do not look at logs). */
export const silentLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  child: () => silentLogger,
};
