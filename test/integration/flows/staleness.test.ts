/**
 * Nothing goes stale (issue 19): the channel message of a request follows
 * what happened to it — the new duration after an extension; "Scheduled, from
 * … until …" until a scheduled grant's window opens, then in force; relative
 * times as Slack `{ago}` tokens, which the Slack client computes whenever the
 * message is read; the new primary version and schedule after a rotation.
 */
import { startHarness, service, PROJECT, APPROVALS_CHANNEL, type Harness } from '../../support/harness';
import type { PostedMessage } from '../../../dev/sandbox/slackStandIn';

jest.setTimeout(180_000);

const POLICY = `
defaults: { project: ${PROJECT}, region: us-central1, kmsLocation: global, channel: ${APPROVALS_CHANNEL} }
domains: [acme.example]
identities: { U0ALICE: alice@acme.example }
approverGroups:
  platform: [U0BOB, U0CAROL]
  security: [U0DAVE, U0CAROL]
rules:
  - kind: invoker
    resources: ["projects/${PROJECT}/locations/*/services/*"]
    maxDuration: 8h
    approvers: platform
    maxExtensions: 1
  - kind: rotate
    resources: ["projects/${PROJECT}/locations/global/keyRings/*/cryptoKeys/*"]
    approvers: security
`;

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ policy: POLICY });
  h.emulator.seedService({ name: service('hello') });
});
afterAll(async () => {
  await h.stop();
});

const shown = (m: PostedMessage | undefined): string => `${m?.text ?? ''} ${JSON.stringify(m?.blocks ?? [])}`;
/** The request's channel message once `until` holds for what it shows. */
const messageWhen = (id: string, until: (text: string) => boolean, description: string): Promise<string> =>
  h.slack.waitFor(
    () => {
      const text = shown(h.approvalMessage(id));
      return until(text) ? text : undefined;
    },
    { description },
  );

it('an extension: the message shows the new duration, and "expires" as a {ago} token', async () => {
  const id = await h.submit('U0ALICE', 'invoker hello 20m looking at logs');
  await h.click('U0BOB', 'approve', id);
  await h.waitForStatus(id, 'active');
  expect(await messageWhen(id, (t) => t.includes('Active until'), 'the active message')).toMatch(/expires <!date\^\d+\^\{ago\}\|/);
  await h.ask('U0ALICE', `extend ${id} 30m still looking`);
  const extension = await h.slack.waitFor(() => h.extensionMessage(id, 1), { description: 'the extension message' });
  await h.press('U0CAROL', 'runwarden_extension_approve', `${id}.1`, extension);
  await h.waitForRequest(id, (r) => r.extensions?.[0]?.status === 'applied');
  const text = await messageWhen(id, (t) => t.includes('50m'), 'the message with the new duration');
  expect(text).toContain('50m (20m, extended by 30m)');
});

it('a scheduled grant: "Scheduled, from … until …" until its window opens, then in force', async () => {
  const id = await h.submit('U0ALICE', 'invoker hello 1h planned migration --start 2h');
  await h.click('U0BOB', 'approve', id);
  await h.waitForStatus(id, 'active');
  const scheduled = await messageWhen(id, (t) => t.includes('Scheduled, from'), 'the scheduled message');
  expect(scheduled).not.toContain('Active until');
  h.clock.advance(2 * 3600 + 1);
  expect((await h.sweep()).body.windowsOpened).toBe(1);
  const open = await messageWhen(id, (t) => t.includes('Active until'), 'the message once the window is open');
  expect(open).not.toContain('Scheduled, from');
});

it('a rotation: the message shows the new primary version and the rotation schedule', async () => {
  const key = `projects/${PROJECT}/locations/global/keyRings/run-cmek/cryptoKeys/payments`;
  h.emulator.seedKey({ name: key });
  const id = await h.submit('U0ALICE', 'rotate run-cmek/payments quarterly rotation --rotation-period 30d');
  await h.click('U0DAVE', 'approve', id);
  await h.waitForStatus(id, 'applied');
  const text = await messageWhen(id, (t) => t.includes('cryptoKeyVersions/'), 'the rotated message');
  expect(text).toMatch(/cryptoKeyVersions\/\d+/);
  expect(text).toContain('30d');
});
