/**
 * The sandbox's log lines for a person at a terminal: the same structured
 * records production writes as JSON for Cloud Logging (`severity`, `message`,
 * request id and fields; secrets already redacted by src/app/logger.ts),
 * printed by pino-pretty as one line each:
 *
 *   [03:24:03] WARNING: could not redraw the request form {"viewId":"V1","error":"…"}
 *
 * Production never loads this: only dev/sandbox passes it to createLogger.
 */
import pretty from 'pino-pretty';

/** Fields of the audit export's lines (src/app/auditLog.ts) that only matter to Cloud Logging / BigQuery. */
const AUDIT_ONLY_FIELDS = ['auditSchema', 'requestAgeSeconds', 'logging\\.googleapis\\.com/labels'];

/**
 * A stream for createLogger's `destination` (or createAuditLog's) that writes readable lines to `out` (default
 * stdout). The audit export's JSON lines print the same way, without the fields only Cloud Logging reads.
 */
export function readableLogStream(options: { out?: NodeJS.WritableStream; colorize?: boolean } = {}): NodeJS.WritableStream {
  const out = options.out ?? process.stdout;
  return pretty({
    ignore: AUDIT_ONLY_FIELDS.join(','),
    destination: out,
    sync: true,
    colorize: options.colorize ?? false,
    singleLine: true,
    messageKey: 'message',
    levelKey: 'severity',
    // Cloud Logging's severity names (WARNING, not pino's 30/40) are printed as they are
    customPrettifiers: { level: (value) => String(value) },
    // `error` fields are runwarden's own one-line texts, not Error objects to expand
    errorLikeObjectKeys: ['err'],
    translateTime: 'SYS:HH:MM:ss',
  });
}
