/**
 * The request form's redraws keep the user's order (issue 19): choosing Kind
 * three times within a second while the first views.update is slow must leave
 * the LAST choice on screen. The Slack stand-in holds the first views.update
 * and enforces `hash` as Slack does (hash_conflict when it is not the view's
 * current one). Each choice's payload carries the view as the user's client
 * has it (the opened version and its hash: no redraw has arrived yet) and
 * its own `action_ts`.
 */
import { FORM_CONTENT_TYPE, viewSelectBody } from '../../../dev/sandbox/slackPayloads';
import { postToSlackEndpoint } from '../../../dev/sandbox/slackSigner';
import { startHarness, PROJECT, APPROVALS_CHANNEL, SIGNING_SECRET, type Harness } from '../../support/harness';

jest.setTimeout(120_000);

const POLICY = `
defaults: { project: ${PROJECT}, region: us-central1, kmsLocation: global, channel: ${APPROVALS_CHANNEL} }
domains: [acme.example]
approverGroups:
  platform: [U0BOB, U0CAROL]
rules:
  - kind: invoker
    resources: ["projects/${PROJECT}/locations/*/services/*"]
    maxDuration: 4h
    approvers: platform
  - kind: egress
    resources: ["projects/${PROJECT}/locations/*/services/*"]
    approvers: platform
  - kind: ingress
    resources: ["projects/${PROJECT}/locations/*/services/*"]
    approvers: platform
`;

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ policy: POLICY });
});
afterAll(async () => {
  await h.stop();
});

/** The kind a version of the form was drawn for (the form keeps it in private_metadata). */
const kindOf = (view: unknown): unknown => (view as { private_metadata?: unknown } | undefined)?.private_metadata;

async function choose(modal: { id: string; view: Record<string, unknown> }, kind: string, at: Date): Promise<void> {
  const body = viewSelectBody({
    userId: 'U0ALICE',
    view: modal.view,
    viewId: modal.id,
    blockId: 'runwarden_form_kind',
    actionId: 'runwarden_form_kind_select',
    value: kind,
    now: at,
  });
  const answer = await postToSlackEndpoint(`${h.botUrl}/slack/events`, SIGNING_SECRET, body, FORM_CONTENT_TYPE);
  expect(answer.status).toBe(200);
}

it('three Kind choices within a second, the first views.update slow: the last choice stays on screen', async () => {
  const modal = await h.openForm('U0ALICE');
  const slow = h.slack.hold('views.update');
  const t0 = Date.now();
  await choose(modal, 'invoker', new Date(t0));
  await slow.reached;
  await choose(modal, 'egress', new Date(t0 + 300));
  await choose(modal, 'ingress', new Date(t0 + 600));
  slow.release();

  // the slow (first) update lands, then the form must end on the last choice
  await h.slack.waitFor(() => h.slack.calls.some((c) => c.method === 'views.update' && kindOf(c.args.view) === 'invoker'), {
    description: 'the slow update',
  });
  const final = await h.slack.waitFor(() => h.slack.modals().find((m) => m.id === modal.id && kindOf(m.view) === 'ingress'), {
    description: 'the last choice on screen',
    timeoutMs: 15_000,
  });
  expect(kindOf(final.view)).toBe('ingress');
  // one redraw at a time: the slow one, then the latest; the superseded middle choice is never drawn
  const updates = h.slack.calls.filter((c) => c.method === 'views.update' && c.args.view_id === modal.id);
  expect(updates.map((c) => [kindOf(c.args.view), c.error])).toEqual([
    ['invoker', undefined],
    ['ingress', undefined],
  ]);
  // each carried the hash of the version it replaces: the opened form's, then the one the first redraw returned
  expect(updates.map((c) => c.args.hash)).toEqual([modal.view.hash, final.history.at(-1)?.hash]);
});

it('a choice older than one already drawn (Slack delivered it late) does not replace the newer view', async () => {
  const modal = await h.openForm('U0ALICE');
  const t0 = Date.now();
  await choose(modal, 'egress', new Date(t0 + 500));
  await h.slack.waitFor(() => h.slack.modals().find((m) => m.id === modal.id && kindOf(m.view) === 'egress'), {
    description: 'the egress form',
  });
  const drawn = h.slack.calls.filter((c) => c.method === 'views.update').length;
  await choose(modal, 'invoker', new Date(t0));
  // a newer choice after it is still drawn: the late one was dropped, not queued behind
  await choose(modal, 'ingress', new Date(t0 + 900));
  await h.slack.waitFor(() => h.slack.modals().find((m) => m.id === modal.id && kindOf(m.view) === 'ingress'), {
    description: 'the ingress form',
  });
  const since = h.slack.calls.filter((c) => c.method === 'views.update').slice(drawn);
  expect(since.map((c) => kindOf(c.args.view))).toEqual(['ingress']);
});
