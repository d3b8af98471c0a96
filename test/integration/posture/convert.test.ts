/**
 * A conversion end to end (SPEC §11), through the public interfaces: the
 * posture scan finds a standing binding; `/warden convert <finding> <reason…>`
 * files a `convert` request decided by the posture approvers (never the
 * requester, never a member losing the binding); applied, exactly those
 * members leave exactly that binding in one etag read-modify-write (other
 * bindings and other members untouched, a concurrent write retried), the
 * request records `removed`, the finding is converted, and each member is
 * told by DM how to ask for just-in-time access. A binding that changed since
 * the scan is refused, nothing written.
 */
import { startHarness, type Harness } from '../../support/harness';
import { runPostureScan } from '../../support/posture';
import type { PlainBinding } from '../../../dev/emulator';
import type { Finding } from '../../../src/domain/posture/finding';

const SECURITY = 'C0SECURITY';
const svc = (name: string) => `projects/acme-prod/locations/us-central1/services/${name}`;
const CI = 'serviceAccount:ci@acme-prod.iam.gserviceaccount.com';
const GRANT = { title: 'runwarden-r2a3b4c5d6', description: 'a grant', expression: 'request.time < timestamp("2030-01-01T00:00:00Z")' };

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

const ORDERS: PlainBinding[] = [
  { role: 'roles/run.admin', members: ['group:platform@acme.example'] },
  { role: 'roles/run.invoker', members: ['user:alice@acme.example', 'user:erin@acme.example', CI] },
  { role: 'roles/run.invoker', members: ['user:alice@acme.example'], condition: GRANT },
];

describe('converting a standing binding to just-in-time access', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness({ policy: POLICY });
    h.emulator.seedService({
      name: svc('orders'),
      ingress: 'internal',
      serviceAccount: 'orders@acme-prod.iam.gserviceaccount.com',
      bindings: ORDERS,
    });
    h.emulator.seedService({
      name: svc('billing'),
      ingress: 'internal',
      serviceAccount: 'billing@acme-prod.iam.gserviceaccount.com',
      bindings: [
        { role: 'roles/run.invoker', members: ['user:bob@acme.example'] },
        { role: 'roles/run.developer', members: ['group:eng@acme.example'] },
      ],
    });
    h.emulator.seedProject({ id: 'acme-prod', bindings: [{ role: 'roles/run.invoker', members: ['user:carol@acme.example'] }] });
    expect((await runPostureScan(h)).status).toBe(200);
  });
  afterAll(async () => {
    await h.stop();
  });

  async function standing(resource: string, member: string): Promise<Finding> {
    const { findings } = await h.runwarden.deps.findings.listOpen({ all: true }, 100);
    const found = findings.find((f) => f.resource === resource && f.detail.kind === 'standing_access' && f.detail.members.includes(member));
    if (!found) throw new Error(`no standing_access finding for ${member} on ${resource}`);
    return found;
  }

  async function convert(user: string, findingId: string): Promise<string> {
    const reply = await h.ask(user, `convert ${findingId} OPS-1 replace the team's standing access`);
    const id = /`([23456789a-hjkmnp-z]{10})`/.exec(reply)?.[1];
    if (!id) throw new Error(`no request id in: ${reply}`);
    await h.slack.waitFor(() => h.slack.messages(SECURITY).find((m) => !m.threadTs && JSON.stringify(m.blocks ?? []).includes(id)), {
      description: `the conversion's approval message ${id}`,
    });
    return id;
  }

  async function press(user: string, action: 'runwarden_approve' | 'runwarden_deny', id: string): Promise<void> {
    const message = h.slack.messages(SECURITY).find((m) => !m.threadTs && JSON.stringify(m.blocks ?? []).includes(id));
    if (!message) throw new Error(`no approval message for ${id}`);
    await h.press(user, action, id, { channel: message.channel, ts: message.ts });
  }

  test('filed by anyone of the organization, posted to the posture channel, decided by the posture approvers only — never by the requester nor a member losing the binding; applied: exactly those members removed, nothing else', async () => {
    const finding = await standing(svc('orders'), 'user:alice@acme.example');
    expect(finding.detail).toMatchObject({ members: ['user:alice@acme.example', 'user:erin@acme.example'], rule: 'prod-invoker' });
    const id = await convert('U0CAROL', finding.id);
    expect(await h.request(id)).toMatchObject({
      kind: 'convert',
      status: 'pending',
      target: svc('orders'),
      finding: finding.id,
      role: 'roles/run.invoker',
      members: ['user:alice@acme.example', 'user:erin@acme.example'],
      rule: 'posture',
    });
    // while pending, the message asks for a conversion; it does not say one happened
    const pending = h.slack.messages(SECURITY).find((m) => !m.threadTs && JSON.stringify(m.blocks ?? []).includes(id));
    expect(pending?.text).toContain(`Conversion of standing access request ${id}`);
    expect(JSON.stringify(pending)).not.toContain('converted');

    await press('U0CAROL', 'runwarden_approve', id); // the requester (not an approver anyway)
    await press('U0ERIN', 'runwarden_approve', id); // a security approver, but a member losing the binding
    await press('U0BOB', 'runwarden_approve', id); // not a posture approver
    const still = await h.request(id);
    expect(still.status).toBe('pending');
    expect(still.approvals).toEqual([]);
    expect(h.emulator.policy(svc('orders')).bindings).toEqual(ORDERS);

    await press('U0DAVE', 'runwarden_approve', id);
    const applied = await h.waitForStatus(id, 'applied');
    expect(applied.removed).toEqual({ role: 'roles/run.invoker', members: ['user:alice@acme.example', 'user:erin@acme.example'] });
    expect(h.emulator.policy(svc('orders')).bindings).toEqual([ORDERS[0], { role: 'roles/run.invoker', members: [CI] }, ORDERS[2]]);
    expect((await h.runwarden.deps.findings.get(finding.id))?.status).toBe('converted');

    // each member told by DM how to ask for it just in time, naming the rule
    for (const user of ['U0ALICE', 'U0ERIN']) {
      const dm = await h.slack.waitFor(() => h.slack.messages(`D${user}`).find((m) => JSON.stringify(m.blocks ?? []).includes(id)), {
        description: `the DM to ${user}`,
      });
      const text = JSON.stringify(dm.blocks);
      expect(text).toContain('You no longer hold the standing `roles/run.invoker`');
      expect(text).toContain(`/warden invoker ${svc('orders')} &lt;duration&gt; &lt;reason…&gt;`);
      expect(text).toContain('rule `prod-invoker` covers it');
    }
  });

  test('a converted finding stays converted at the next scan (the binding is gone), never reopened nor duplicated', async () => {
    const answer = await runPostureScan(h);
    expect(answer.body).toMatchObject({ new: 0, reopened: 0 });
    const { findings } = await h.runwarden.deps.findings.listOpen({ all: true }, 100);
    // (the platform group's run.admin binding on orders is another finding, untouched)
    expect(
      findings.some((f) => f.resource === svc('orders') && f.detail.kind === 'standing_access' && f.detail.role === 'roles/run.invoker'),
    ).toBe(false);
  });

  test('an etag conflict is retried: a concurrent write is kept, the members still removed', async () => {
    const finding = await standing(svc('billing'), 'user:bob@acme.example');
    const id = await convert('U0CAROL', finding.id);
    const other: PlainBinding = { role: 'roles/run.viewer', members: ['user:frank@acme.example'] };
    h.emulator.beforeSetIamPolicy((resource) => h.emulator.foreignSetBindings(resource, [...h.emulator.policy(resource).bindings, other]), {
      times: 1,
      resource: svc('billing'),
    });
    await press('U0DAVE', 'runwarden_approve', id);
    await h.waitForStatus(id, 'applied');
    expect(h.emulator.policy(svc('billing')).bindings).toEqual([
      { role: 'roles/run.developer', members: ['group:eng@acme.example'] },
      other,
    ]);
  });

  test('a binding that changed since the scan is refused: the conversion ends failed and nothing is written', async () => {
    h.emulator.seedService({
      name: svc('ledger'),
      ingress: 'internal',
      serviceAccount: 'l@acme-prod.iam.gserviceaccount.com',
      bindings: [{ role: 'roles/run.invoker', members: ['user:alice@acme.example'] }],
    });
    await runPostureScan(h);
    const finding = await standing(svc('ledger'), 'user:alice@acme.example');
    const id = await convert('U0CAROL', finding.id);
    const changed: PlainBinding[] = [{ role: 'roles/run.invoker', members: ['user:alice@acme.example', 'user:grace@acme.example'] }];
    h.emulator.foreignSetBindings(svc('ledger'), changed);
    await press('U0DAVE', 'runwarden_approve', id);
    const failed = await h.waitForStatus(id, 'failed');
    expect(failed.outcome).toContain('changed since the posture scan saw it');
    expect(failed.removed).toBeUndefined();
    expect(h.emulator.policy(svc('ledger')).bindings).toEqual(changed);
    expect((await h.runwarden.deps.findings.get(finding.id))?.status).toBe('open');
  });

  test('from App Home: Convert on a convertible finding opens a modal; submitted, it files the same request; a finding no rule covers offers no Convert', async () => {
    // ledger's binding changed (alice and grace, both covered): once the next scan has seen it so, it is convertible again
    await runPostureScan(h);
    const finding = await standing(svc('ledger'), 'user:alice@acme.example');
    const uncovered = await standing(svc('billing'), 'group:eng@acme.example');
    const home = JSON.stringify(await h.openHome('U0DAVE'));
    expect(home).toContain(
      `"action_id":"runwarden_convert_open","text":{"type":"plain_text","text":"Convert","emoji":true},"value":"${finding.id}"`,
    );
    expect(home).toContain(uncovered.id);
    expect(home).not.toContain(`"value":"${uncovered.id}"`);

    const modals = h.slack.modals().length;
    await h.press('U0DAVE', 'runwarden_convert_open', finding.id);
    const modal = await h.slack.waitFor(() => h.slack.modals()[modals], { description: 'the convert modal' });
    expect(await h.submitView('U0DAVE', modal.view, { runwarden_convert_reason: '' }, modal.id)).toMatchObject({
      response_action: 'errors',
    });
    expect(
      await h.submitView('U0DAVE', modal.view, { runwarden_convert_reason: 'OPS-3 alice asks when she needs it' }, modal.id),
    ).toBeUndefined();
    const dm = await h.slack.waitFor(() => h.slack.messages('DU0DAVE').find((m) => m.text.includes('(convert on')), {
      description: `the confirmation DM (DMs: ${JSON.stringify(h.slack.messages('DU0DAVE').map((m) => m.text))})`,
    });
    const id = /`([23456789a-hjkmnp-z]{10})`/.exec(dm.text)?.[1] ?? '';
    expect(await h.request(id)).toMatchObject({ kind: 'convert', requester: 'U0DAVE', finding: finding.id, status: 'pending' });
  });

  test.each([
    [
      'a binding no rule covers yet (a group; the rule grants users)',
      async () => (await standing(svc('billing'), 'group:eng@acme.example')).id,
      'No rule covers this yet',
    ],
    [
      'a project-wide binding',
      async () => (await standing('projects/acme-prod', 'user:carol@acme.example')).id,
      'runwarden edits only Cloud Run services',
    ],
    ['an unknown finding', async () => 'f-23456789ab', 'There is no finding `f-23456789ab`'],
    ['something that is not a finding id', async () => 'orders', '`orders` is not a finding id'],
  ])('refuses to convert %s, filing nothing', async (_, findingOf, message) => {
    const reply = await h.ask('U0CAROL', `convert ${await findingOf()} OPS-2 tidy up`);
    expect(reply).toContain(message);
  });
});
