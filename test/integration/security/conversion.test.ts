/**
 * Attacking posture conversion (SPEC §11, issue 18) through the public
 * interfaces: signed Slack requests to the real bot, the Slack stand-in, the
 * Firestore emulator and the project's Cloud Run emulator. Each case is an
 * input an attacker (or Slack redelivering) can send; a case that found a
 * hole failed before its fix (named in the case).
 */
import { FORM_CONTENT_TYPE, viewSubmissionBody } from '../../../dev/sandbox/slackPayloads';
import { postToSlackEndpoint } from '../../../dev/sandbox/slackSigner';
import type { PlainBinding } from '../../../dev/emulator';
import { enqueue } from '../../../src/domain/outbox';
import { convertModal } from '../../../src/adapters/slack/views/convertModal';
import type { Finding } from '../../../src/domain/posture/finding';
import { startHarness, SIGNING_SECRET, type Harness } from '../../support/harness';
import { runPostureScan } from '../../support/posture';

jest.setTimeout(240_000);

const SECURITY = 'C0SECURITY';
const svc = (name: string) => `projects/acme-prod/locations/us-central1/services/${name}`;

const POLICY = `
defaults: { project: acme-prod, region: us-central1, kmsLocation: global, channel: C0APPROVALS }
domains: [acme.example]
identities: { U0ALICE: alice@acme.example }
approverGroups:
  platform: [U0BOB, U0CAROL]
  security: [S0SECURITY]
rules:
  - kind: invoker
    name: prod-invoker
    resources: ["projects/acme-prod/locations/*/services/*"]
    roles: [roles/run.invoker]
    members: [self, user]
    maxDuration: 8h
    approvers: platform
posture:
  scope: [projects/acme-prod]
  approvers: security
  channel: ${SECURITY}
`;

const STANDING = (member: string): PlainBinding[] => [{ role: 'roles/run.invoker', members: [member] }];

let h: Harness;

beforeAll(async () => {
  h = await startHarness({ policy: POLICY });
  h.slack.setUserGroup('S0SECURITY', ['U0DAVE', 'U0ERIN']);
  h.slack.setUser({ id: 'U0MALLORY', name: 'mallory', email: 'mallory@evil.example' });
  for (const name of ['race-1', 'race-2', 'race-3']) h.emulator.seedService({ name: svc(name) });
  for (const name of ['modal-twice', 'filed-twice', 'twice-asked', 'outsider', 'mentions', 'old-scope'])
    h.emulator.seedService({
      name: svc(name),
      ingress: 'internal',
      serviceAccount: `${name}@acme-prod.iam.gserviceaccount.com`,
      bindings: STANDING(`user:${name}@acme.example`),
    });
  h.emulator.seedService({
    name: svc('leaky'),
    ingress: 'all',
    serviceAccount: 'leaky@acme-prod.iam.gserviceaccount.com',
    bindings: [{ role: 'roles/run.admin', members: ['user:secret-admin@acme.example'] }],
  });
  expect((await runPostureScan(h)).status).toBe(200);
  // the request path loads with the first Slack request: load it before two deliveries race for it
  await h.ask('U0CAROL', 'list');
});
afterAll(async () => {
  await h.stop();
});

async function findingOn(resource: string): Promise<Finding> {
  const { findings } = await h.runwarden.deps.findings.listOpen({ all: true }, 100);
  const found = findings.find((f) => f.resource === resource && f.detail.kind === 'standing_access');
  if (!found) throw new Error(`no standing_access finding on ${resource}`);
  return found;
}

const conversionsOf = async (finding: string) =>
  (await h.runwarden.deps.store.listByStatus(['pending', 'approved', 'applied', 'failed'])).requests.filter(
    (r) => r.kind === 'convert' && r.finding === finding,
  );

const idIn = (reply: string): string => /`([23456789a-hjkmnp-z]{10})`/.exec(reply)?.[1] ?? '';

describe('the Convert modal', () => {
  it('a submission Slack delivers twice (or an attacker replays within the 5-minute window) files one conversion', async () => {
    // Hole: the convert modal's submissions bypassed the delivery ledger the request form uses (issue 15 item 13):
    // two deliveries of one submission filed two conversion requests of one finding, each posted to the approvers.
    const finding = await findingOn(svc('modal-twice'));
    const modal = convertModal(finding.id) as unknown as Record<string, unknown>;
    const body = viewSubmissionBody({
      userId: 'U0CAROL',
      view: modal,
      viewId: 'V0CONVERT1',
      values: { runwarden_convert_reason: 'OPS-7 replace the standing access' },
    });
    const answers = await Promise.all(
      [1, 2].map(() => postToSlackEndpoint(`${h.botUrl}/slack/events`, SIGNING_SECRET, body, FORM_CONTENT_TYPE)),
    );
    expect(answers.map((a) => a.status)).toEqual([200, 200]);
    await h.slack.waitFor(() => h.slack.dms('U0CAROL').find((m) => /waiting for/.test(m.text) && m.text.includes('modal-twice')), {
      description: 'the conversion confirmed by DM',
    });
    await h.slack.waitFor(
      () => h.slack.messages(SECURITY).some((m) => !m.threadTs && JSON.stringify(m).includes('OPS-7 replace the standing access')),
      { description: 'the conversion posted' },
    );
    expect(await conversionsOf(finding.id)).toHaveLength(1);
  });

  it('an outsider (identity outside the domains) forging a submission for a finding files nothing and learns nothing of it', async () => {
    const finding = await findingOn(svc('outsider'));
    const answer = await h.submitView(
      'U0MALLORY',
      convertModal(finding.id) as unknown as Record<string, unknown>,
      { runwarden_convert_reason: 'remove their access' },
      'V0FORGED1',
    );
    expect(answer).toMatchObject({ response_action: 'errors' });
    expect(JSON.stringify(answer)).not.toContain('outsider@acme.example');
    const all = await h.runwarden.deps.store.listByRequester('U0MALLORY', ['pending', 'approved', 'applied', 'failed']);
    expect(all.requests).toHaveLength(0);
  });
});

describe('an outsider probing finding ids', () => {
  it('gets the same answer for a real finding id, of any kind, as for one that names nothing: no finding, member or weak spot is told', async () => {
    // Hole: finding ids are a hash of what they are about (kind, service, role), so anyone can compute one for a
    // service they know; `/warden convert <id>` read the finding before asking who asks, and told an outsider — one
    // `/warden posture` refuses — the members of an uncovered standing binding ("would lock user:… out of …"),
    // that a service is public or open to all ingress ("is not standing access"), or that a finding exists at all.
    const { findings } = await h.runwarden.deps.findings.listOpen({ all: true }, 100);
    const onLeaky = findings.filter((f) => f.resource === svc('leaky'));
    expect(onLeaky.map((f) => f.kind).sort()).toEqual(expect.arrayContaining(['open_ingress', 'standing_access']));
    const nothing = await h.ask('U0MALLORY', 'convert f-2cd8rzq97s probing');
    expect(nothing).not.toMatch(/no finding/i);
    for (const finding of onLeaky) {
      const reply = await h.ask('U0MALLORY', `convert ${finding.id} probing`);
      expect(reply).not.toContain('secret-admin');
      expect(reply).not.toContain(finding.id);
      expect(reply).toBe(nothing);
    }
    const filed = await h.runwarden.deps.store.listByRequester('U0MALLORY', ['pending', 'approved', 'applied', 'failed']);
    expect(filed.requests).toHaveLength(0);
  });

  it('learns nothing through the dry run either: `/warden explain convert <id>` answers a real finding as one that names nothing', async () => {
    const { findings } = await h.runwarden.deps.findings.listOpen({ all: true }, 100);
    const onLeaky = findings.filter((f) => f.resource === svc('leaky'));
    const nothing = await h.ask('U0MALLORY', 'explain convert f-2cd8rzq97s probing');
    for (const finding of onLeaky) {
      const reply = await h.ask('U0MALLORY', `explain convert ${finding.id} probing`);
      expect(reply).not.toContain('secret-admin');
      expect(reply).not.toContain(finding.id);
      expect(reply).toBe(nothing);
    }
  });
});

describe('one finding, one conversion at a time', () => {
  async function press(user: string, id: string): Promise<void> {
    const message = await h.slack.waitFor(() => h.slack.messages(SECURITY).find((m) => !m.threadTs && JSON.stringify(m).includes(id)), {
      description: `the approval message of ${id}`,
    });
    await h.press(user, 'runwarden_approve', id, { channel: message.channel, ts: message.ts });
  }

  it('a second conversion of a finding whose conversion is already open is refused, without naming the open one', async () => {
    // Hole: nothing stopped a finding from being filed again while its conversion waited: a second `/warden convert`
    // of it (by anyone) filed a second request, posted to the approvers again. (Filed at the same instant, both may
    // still be filed; the case below keeps the harm of that out.)
    const finding = await findingOn(svc('twice-asked'));
    const first = idIn(await h.ask('U0CAROL', `convert ${finding.id} OPS-8 first`));
    expect(first).not.toBe('');
    const again = await h.ask('U0ALICE', `convert ${finding.id} OPS-8 second`);
    expect(again).toContain('is already asked for');
    expect(again).not.toContain(first);
    expect(await conversionsOf(finding.id)).toHaveLength(1);
  });

  it('two conversions of one finding both approved: the second ends failed: it records no removal it never made and leaves the finding to the first', async () => {
    // Hole: the second found the binding "already removed" and ended applied, with `removed` recorded as if it had
    // removed the members (each member is DMed again that they lost it), and took the finding's `convertedBy`.
    const finding = await findingOn(svc('filed-twice'));
    const first = idIn(await h.ask('U0CAROL', `convert ${finding.id} OPS-8 first`));
    // a second conversion of the finding, filed at the same instant as the first (both passed the check for an open one)
    const filed = await h.request(first);
    const second = first.startsWith('k') ? `m${first.slice(1)}` : `k${first.slice(1)}`;
    const now = h.clock.now();
    await h.runwarden.deps.store.create(
      enqueue(
        { ...filed, id: second, reason: 'OPS-8 second', message: undefined, outbox: undefined, outboxSeq: undefined },
        [{ type: 'post_message' }],
        now,
      ),
      { at: now, actor: 'U0CAROL', action: 'submitted', detail: { kind: 'convert', target: filed.target, rule: 'posture' } },
    );
    expect((await h.sweep()).status).toBe(200);
    await press('U0DAVE', first);
    expect((await h.waitForStatus(first, 'applied')).removed).toEqual({
      role: 'roles/run.invoker',
      members: ['user:filed-twice@acme.example'],
    });
    expect(h.emulator.policy(svc('filed-twice')).bindings).toEqual([]);

    await press('U0DAVE', second);
    const lost = await h.waitForRequest(second, (r) => r.status !== 'pending' && r.status !== 'approved', 60_000, 'the second decided');
    expect(lost.status).toBe('failed');
    expect(lost.removed).toBeUndefined();
    expect((await h.runwarden.deps.findings.get(finding.id))?.convertedBy).toBe(first);
  });
});

describe('the posture scope', () => {
  it('a finding of a scope the policy no longer scans is not converted (its scans never resolve it either)', async () => {
    // Hole: a project taken out of posture.scope kept its open findings for ever, and they were still converted:
    // runwarden removed standing bindings in a project the policy had stopped looking after.
    const finding = await findingOn(svc('old-scope'));
    // as a scan of projects/acme-old (since taken out of posture.scope) recorded it: nothing scans that scope now
    const { id, kind, resource, project, severity, detail } = finding;
    await h.runwarden.deps.findings.record([{ id, kind, resource, project, severity, detail }], {
      scanId: 'old-scan',
      scope: 'projects/acme-old',
      at: h.clock.now(),
    });
    expect((await h.runwarden.deps.findings.get(id))?.scope).toBe('projects/acme-old');
    const reply = await h.ask('U0CAROL', `convert ${finding.id} OPS-9 not ours any more`);
    expect(reply).toContain('no longer in the posture scope');
    expect(await conversionsOf(finding.id)).toHaveLength(0);
  });
});

describe('text people type is never markup in the posture channel', () => {
  it('a reason with <!channel>, a user mention and a link is shown as text', async () => {
    const finding = await findingOn(svc('mentions'));
    const id = idIn(await h.ask('U0CAROL', `convert ${finding.id} <!channel> <@U0DAVE> <https://evil.example|click> &amp;`));
    expect(id).not.toBe('');
    const message = await h.slack.waitFor(() => h.slack.messages(SECURITY).find((m) => !m.threadTs && JSON.stringify(m).includes(id)), {
      description: 'the conversion posted',
    });
    const everything = JSON.stringify(message);
    expect(everything).not.toContain('<!channel>');
    expect(everything).not.toContain('<@U0DAVE>');
    expect(everything).not.toContain('<https://evil.example');
    expect(everything).toContain('&lt;!channel&gt;');
  });
});

describe('decisions racing on one request', () => {
  const ours = (name: string) => h.emulator.policy(svc(name)).bindings.filter((b) => b.condition?.title.startsWith('runwarden-'));

  it.each([1, 2, 3])('an approval, a deny and a cancel at the same moment: one wins, and Google agrees with it (run %i)', async (run) => {
    const id = await h.submit('U0ALICE', `invoker race-${run} 1h OPS-10 race`);
    await Promise.all([h.click('U0BOB', 'approve', id), h.click('U0CAROL', 'deny', id), h.ask('U0ALICE', `cancel ${id}`)]);
    const settled = await h.waitForRequest(id, (r) => ['active', 'denied', 'cancelled', 'failed'].includes(r.status), 60_000, 'decided');
    // the two refused decisions are recorded too (after their answers): wait for them, so no write of this case
    // is still in flight when the suite stops its bot
    const refusals = async () => (await h.runwarden.deps.store.events(id)).filter((e) => e.action.includes('refused')).length;
    for (let tries = 0; (await refusals()) < 2; tries++) {
      if (tries > 600) throw new Error(`the refused decisions of ${id} were not recorded (${await refusals()} of 2)`);
      await new Promise((resolve) => setTimeout(resolve, 100)); // polling a condition, not a timing assumption
    }
    const events = (await h.runwarden.deps.store.events(id)).map((e) => e.action);
    const decisive = events.filter((a) => ['approved', 'denied', 'cancelled'].includes(a));
    expect(decisive).toHaveLength(1);
    if (settled.status === 'active') expect(ours(`race-${run}`)).toHaveLength(1);
    else expect(ours(`race-${run}`)).toHaveLength(0);
  });
});
