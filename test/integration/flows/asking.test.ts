/**
 * Asking (issue 19): `/warden eligible` through signed slash commands; the
 * request form for someone who may request nothing; its Target search over
 * every project the user's rules cover; asking again for access one already
 * has.
 */
import { plainDate } from '../../../src/adapters/slack/views/format';
import { startHarness, service, PROJECT, APPROVALS_CHANNEL, type Harness } from '../../support/harness';

jest.setTimeout(180_000);

const STAGING = 'acme-staging';
const staging = (name: string, region = 'us-east1'): string => `projects/${STAGING}/locations/${region}/services/${name}`;

const POLICY = `
defaults: { project: ${PROJECT}, region: us-central1, kmsLocation: global, channel: ${APPROVALS_CHANNEL} }
domains: [acme.example]
identities: { U0ALICE: alice@acme.example }
approverGroups:
  platform: [U0BOB, U0CAROL]
  security: [S0SECURITY]
rules:
  - kind: invoker
    name: prod-invoker
    resources: ["projects/${PROJECT}/locations/*/services/*", "projects/${STAGING}/locations/*/services/*"]
    maxDuration: 8h
    approvers: platform
    requesters: [U0ALICE, U0BOB, U0CAROL]
    maxExtensions: 1
    autoApprove: { requesters: [U0CAROL], maxDuration: 1h }
  - kind: egress
    resources: ["projects/${PROJECT}/locations/*/services/*"]
    approvers: security
    requesters: [U0ALICE]
`;

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ policy: POLICY });
  h.emulator.seedService({ name: service('hello') });
  h.emulator.seedService({ name: service('hello-eu', 'europe-west1') });
  h.emulator.seedService({ name: staging('stage-api') });
});
afterAll(async () => {
  await h.stop();
});

/** The slash command's ephemeral reply: its text and blocks (as JSON). */
async function reply(user: string, text: string): Promise<{ text: string; blocks: string; type: string | undefined }> {
  const answer = await h.slash(user, text);
  expect(answer.status).toBe(200);
  if (answer.text.trim().length > 0) {
    const body = JSON.parse(answer.text) as { text?: string; blocks?: unknown; response_type?: string };
    if (body.text) return { text: body.text, blocks: JSON.stringify(body.blocks ?? []), type: body.response_type };
  }
  const sent = await h.slack.waitFor(() => h.slack.responses(answer.tag)[0], { description: `reply to "${text}"`, timeoutMs: 30_000 });
  const body = sent.body as { text?: string; blocks?: unknown; response_type?: string };
  return { text: body.text ?? '', blocks: JSON.stringify(body.blocks ?? []), type: body.response_type };
}

/** Asks until the reply satisfies `until` (the first service listing may take longer than eligible waits for it). */
async function replyUntil(user: string, text: string, until: (answer: Awaited<ReturnType<typeof reply>>) => boolean) {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const answer = await reply(user, text);
    if (until(answer)) return answer;
    if (Date.now() > deadline) throw new Error(`"${text}" never answered as expected; last: ${answer.blocks}`);
  }
}

describe('/warden eligible', () => {
  it('lists each rule that lets the user ask: targets with the services found, durations, approvers, auto-approval', async () => {
    const answer = await replyUntil('U0ALICE', 'eligible', (a) => !a.blocks.includes('could not be listed just now'));
    expect(answer.type).toBe('ephemeral');
    expect(answer.text).toBe('You may ask under 2 rules: invoker (prod-invoker), egress (egress#2).');
    expect(answer.blocks).toContain('under *prod-invoker*');
    // services of both projects the rule names, from ListServices
    expect(answer.blocks).toContain('now: hello-eu (europe-west1), hello (us-central1), stage-api (us-east1)');
    expect(answer.blocks).toContain('Duration: at most 8h');
    expect(answer.blocks).toContain('Approved by: *platform* (<@U0BOB>, <@U0CAROL>), 1 approval');
    expect(answer.blocks).toContain('Auto-approved for you: no, the approvers decide');
    expect(answer.blocks).toContain('Extensions: up to 1');
    expect(answer.blocks).toContain('Approved by: *security* (<!subteam^S0SECURITY>), 1 approval');
    expect(answer.blocks).not.toMatch(/autoApprove|requesters/);
  });

  it('says when the user is auto-approved, and leaves out rules they may not ask under', async () => {
    const answer = await reply('U0CAROL', 'eligible');
    expect(answer.text).toBe('You may ask under 1 rule: invoker (prod-invoker).');
    expect(answer.blocks).toContain('Auto-approved for you: requests for your own identity of at most 1h');
  });

  it('tells an outsider plainly that nothing is open to them', async () => {
    expect((await reply('U0MALLORY', 'eligible')).text).toBe(
      'Nothing is open to you: your Google identity `mallory@evil.example` is outside the domains runwarden grants to (`acme.example`).',
    );
    expect((await reply('U0DAVE', 'eligible')).text).toMatch(/^Nothing is open to you: no rule of the policy lets you ask/);
  });

  it('records nothing and takes no arguments', async () => {
    expect((await reply('U0ALICE', 'eligible invoker')).text).toMatch(/eligible takes no arguments[\s\S]*Usage: `\/warden eligible`/);
    expect(await h.ask('U0ALICE', 'list')).not.toMatch(/eligible/);
    expect(h.slack.messages().length).toBe(0);
  });
});

describe('the request form', () => {
  it('tells someone who may request nothing so when it opens, with no inputs to fill', async () => {
    const opened = await h.openForm('U0DAVE');
    const closed = await h.slack.waitFor(
      () => {
        const view = h.slack.modals().find((m) => m.id === opened.id)?.view;
        return view && JSON.stringify(view).includes('Nothing is open to you') ? view : undefined;
      },
      { description: 'the closed form' },
    );
    expect(closed).not.toHaveProperty('submit');
    expect((closed.blocks as Array<{ type: string }>).filter((b) => b.type === 'input')).toEqual([]);
    expect(JSON.stringify(closed)).toContain('no rule of the policy lets you ask for anything');
  });

  it('replaces the form already open when the lookups answer after the form had to open', async () => {
    // Erin's Slack profile is looked up for the first time: held past the time the trigger_id allows
    const held = h.slack.hold('users.info');
    const opened = await h.openForm('U0ERIN');
    expect(opened.view).toHaveProperty('submit');
    await held.reached;
    held.release();
    const closed = await h.slack.waitFor(
      () => {
        const view = h.slack.modals().find((m) => m.id === opened.id)?.view;
        return view && JSON.stringify(view).includes('Nothing is open to you') ? view : undefined;
      },
      { description: 'the form replaced by the closed form' },
    );
    expect(closed).not.toHaveProperty('submit');
  });

  it('opens as usual for someone a rule lets ask', async () => {
    const opened = await h.openForm('U0ALICE');
    expect(JSON.stringify(opened.view)).not.toContain('Nothing is open to you');
    expect(opened.view).toHaveProperty('submit');
  });

  it("Target offers services of every project the user's rules cover, and a full name typed exactly", async () => {
    const modal = await h.openForm('U0ALICE');
    const options = await h.waitForOptions('U0ALICE', modal, 'stage');
    expect(options.map((o) => o.value)).toEqual([staging('stage-api')]);
    expect(options.map((o) => o.text.text)).toEqual([`stage-api (${STAGING}, us-east1)`]);
    const hello = await h.suggest('U0ALICE', modal, 'hello', { runwarden_form_kind: 'invoker' });
    expect(hello.map((o) => o.value)).toEqual([service('hello-eu', 'europe-west1'), service('hello')]);
    // egress covers only the default project
    expect(await h.suggest('U0ALICE', modal, 'stage', { runwarden_form_kind: 'egress' })).toEqual([]);
    // a service created after the listing, typed in full, is looked up directly
    h.emulator.seedService({ name: staging('fresh', 'asia-east1') });
    const typed = await h.suggest('U0ALICE', modal, staging('fresh', 'asia-east1'), { runwarden_form_kind: 'invoker' });
    expect(typed.map((o) => o.value)).toEqual([staging('fresh', 'asia-east1')]);
  });
});

describe('asking for access one already has', () => {
  it('is answered with the grant, its end and the extend command — from the slash command and the form — and files nothing', async () => {
    const id = await h.submit('U0CAROL', 'invoker hello 30m on call');
    const grant = await h.waitForStatus(id, 'active');
    const before = h.slack.messages(APPROVALS_CHANNEL).length;

    const again = await h.ask('U0CAROL', 'invoker hello 1h still on call');
    expect(again).toContain(`through request \`${id}\``);
    expect(again).toContain('`user:carol@acme.example` already has `roles/run.invoker`');
    expect(again).toContain(`until ${plainDate(grant.expiresAt ?? new Date(0))}`);
    expect(again).toContain(`For more time: \`/warden extend ${id} &lt;duration&gt; &lt;reason…&gt;\``);

    const modal = await h.openForm('U0CAROL');
    const view = await h.chooseKind('U0CAROL', modal, 'invoker');
    const answer = await h.submitView(
      'U0CAROL',
      view,
      {
        runwarden_form_kind: 'invoker',
        runwarden_form_target: service('hello'),
        runwarden_form_duration: '1h',
        runwarden_form_reason: 'from the form',
      },
      modal.id,
    );
    expect(answer).toMatchObject({ response_action: 'errors', errors: { runwarden_form_target: expect.stringContaining(id) } });

    // nothing new was asked for
    expect(h.slack.messages(APPROVALS_CHANNEL).length).toBe(before);
    expect(await h.ask('U0CAROL', 'list')).not.toMatch(/still on call|from the form/);
  });

  it("another member's access on the same service is asked for as usual", async () => {
    const id = await h.submit('U0ALICE', 'invoker hello 1h my own access');
    expect((await h.request(id)).member).toBe('user:alice@acme.example');
    await h.ask('U0ALICE', `cancel ${id}`);
  });
});
