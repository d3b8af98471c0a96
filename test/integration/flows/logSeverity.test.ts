/**
 * Log severity of answered failures: a person's typo (an unknown service) is
 * answered and logged at INFO — error-based alerting in Cloud Logging must not
 * fire on it — while a failure of runwarden's own (Google refusing runwarden's
 * service account) stays an ERROR.
 */
import { Writable } from 'node:stream';
import { createLogger } from '../../../src/app/logger';
import { startHarness, service, type Harness } from '../../support/harness';

jest.setTimeout(180_000);

const lines: Array<{ severity: string; message: string; code?: string }> = [];
const sink = new Writable({
  write(chunk: Buffer, _encoding, done) {
    for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) lines.push(JSON.parse(line) as (typeof lines)[number]);
    done();
  },
});

let h: Harness;

beforeAll(async () => {
  h = await startHarness({ logger: createLogger({ level: 'info', destination: sink }) });
  h.emulator.seedService({ name: service('hello') });
});
afterAll(async () => {
  await h.stop();
});

const failures = (): typeof lines => lines.filter((l) => l.message === 'slash command failed');

it('an unknown service (a typo) is answered and logged at INFO, not ERROR', async () => {
  const reply = await h.ask('U0ALICE', 'invoker helo 30m checking');
  expect(reply).toContain('was not found');
  expect(failures()).toEqual([expect.objectContaining({ severity: 'INFO', code: 'runwarden_resource_not_found' })]);
  expect(lines.filter((l) => l.severity === 'ERROR')).toEqual([]);
});

it('Google refusing runwarden itself stays an ERROR', async () => {
  lines.length = 0;
  h.emulator.injectFault({ method: 'GetService', code: 7, message: 'Permission denied on resource' });
  const reply = await h.ask('U0ALICE', 'invoker hello 30m checking');
  expect(reply).not.toContain('awaits approval');
  expect(failures()).toEqual([expect.objectContaining({ severity: 'ERROR', code: 'runwarden_permission_denied' })]);
});
