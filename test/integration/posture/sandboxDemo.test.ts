/**
 * The sandbox's posture demo: with the example policy and the demo estate
 * (seedDemo + seedPostureDemo, as `npm start` seeds them), one scan finds a
 * few findings of every kind, so a newcomer's first `/warden posture` shows a
 * real report (issue 18).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { seedDemo, seedPostureDemo } from '../../../dev/emulator';
import { FINDING_KINDS } from '../../../src/domain/posture/finding';
import { startHarness, type Harness } from '../../support/harness';
import { runPostureScan } from '../../support/posture';

const EXAMPLE_POLICY = readFileSync(join(__dirname, '../../../examples/policy.yaml'), 'utf8');

describe('the sandbox posture demo', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ policy: EXAMPLE_POLICY });
    seedDemo(h.emulator, 'acme-prod');
    seedPostureDemo(h.emulator, 'acme-prod');
  });
  afterAll(async () => {
    await h.stop();
  });

  test('one scan finds findings of every kind, in both scopes, and reads every scope', async () => {
    const answer = await runPostureScan(h);
    expect(answer.status).toBe(200);
    for (const kind of FINDING_KINDS) expect({ kind, count: answer.body[kind] }).toEqual({ kind, count: expect.any(Number) });
    expect(FINDING_KINDS.filter((kind) => Number(answer.body[kind]) === 0)).toEqual([]);
    expect(answer.body).toMatchObject({ scopesRead: 2, scopesFailed: 0, problems: [] });
  });

  test('the report shows a convertible standing grant and one no rule covers yet; www-home is allowed to be public', async () => {
    const { findings } = await h.runwarden.deps.findings.listOpen({ all: true }, 100);
    const standing = findings.flatMap((f) =>
      f.detail.kind === 'standing_access' ? [`${f.detail.members.join(',')} ${f.detail.rule ?? 'none'}`] : [],
    );
    expect(standing).toEqual(expect.arrayContaining(['user:alice@acme.example invoker#3', 'group:contractors@acme.example none']));
    expect(findings.filter((f) => f.resource.endsWith('/services/www-home'))).toEqual([]);
    const reply = await h.ask('U0DAVE', 'posture');
    expect(reply).toMatch(/^Posture \(the policy's scope \(projects\/acme-prod, projects\/acme-staging\)\): \d+ open/);
  });
});
