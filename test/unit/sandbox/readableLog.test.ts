/**
 * The sandbox prints readable log lines (issue 19) through the same logger
 * production uses, which writes JSON: severity, message, fields and the
 * redaction of secrets are kept, only the layout changes.
 */
import { Writable } from 'node:stream';
import { readableLogStream } from '../../../dev/sandbox/readableLog';
import { createAuditLog } from '../../../src/app/auditLog';
import { createLogger } from '../../../src/app/logger';
import type { AccessRequest } from '../../../src/domain/request';

function collect(): { out: Writable; lines: () => string[] } {
  const chunks: string[] = [];
  const out = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString('utf8'));
      done();
    },
  });
  return { out, lines: () => chunks.join('').split('\n').filter(Boolean) };
}

it('prints one readable line per record: time, severity, message, then the fields; secrets stay redacted', () => {
  const { out, lines } = collect();
  const logger = createLogger({ level: 'info', destination: readableLogStream({ out }) });
  logger.warn('could not redraw the request form', { viewId: 'V1', error: 'views.update failed: fatal_error' });
  logger.child({ requestId: 'abcdefghij' }).info('applied', { botToken: 'xoxb-secret' });
  logger.debug('not at this level');
  expect(lines()).toEqual([
    expect.stringMatching(
      /^\[\d\d:\d\d:\d\d\] WARNING: could not redraw the request form \{"viewId":"V1","error":"views.update failed: fatal_error"\}$/,
    ),
    expect.stringMatching(/^\[\d\d:\d\d:\d\d\] INFO: applied \{"requestId":"abcdefghij","botToken":"\[redacted\]"\}$/),
  ]);
  expect(lines().join('\n')).not.toContain('xoxb-secret');
});

it('production stays JSON: the same logger without the sandbox stream writes Cloud Logging records', () => {
  const { out, lines } = collect();
  createLogger({ level: 'info', destination: out }).warn('hello', { requestId: 'r1' });
  expect(JSON.parse(lines()[0] ?? '')).toMatchObject({ severity: 'WARNING', message: 'hello', requestId: 'r1' });
});

it('prints the audit export readably too, without the fields only Cloud Logging reads', () => {
  const { out, lines } = collect();
  const request = { id: 'abcdefghjk', kind: 'invoker', target: 'projects/p/locations/l/services/hello', status: 'active' } as AccessRequest;
  createAuditLog({ destination: readableLogStream({ out }) }).record(request, {
    at: new Date('2026-12-06T03:36:17Z'),
    actor: 'runwarden',
    action: 'applied',
    detail: { binding: 'runwarden-abcdefghjk' },
  });
  expect(lines()).toEqual([
    expect.stringMatching(
      /^\[\d\d:\d\d:\d\d\] NOTICE: runwarden audit: applied abcdefghjk \{"requestId":"abcdefghjk","kind":"invoker","action":"applied","category":"history","actor":"runwarden","target":"projects\/p\/locations\/l\/services\/hello","status":"active","detail":"\{\\"binding\\":\\"runwarden-abcdefghjk\\"\}"\}$/,
    ),
  ]);
});
