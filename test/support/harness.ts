/**
 * End-to-end harness: the real runwarden (createRunwarden, real Google client
 * libraries, real Bolt HTTP receiver) against the project's gRPC emulator,
 * gcloud's Firestore emulator (a fresh project id per harness, so test files
 * never see each other's data), the Slack stand-in and the OIDC stand-in.
 * Slack traffic is sent as correctly signed HTTP requests.
 */
import { randomBytes } from 'node:crypto';
import { createRunwarden, type Runwarden, type RunwardenOptions } from '../../src/app/wiring';
import { silentLogger } from '../../src/app/logger';
import { discardAuditLog, type AuditLog } from '../../src/app/auditLog';
import { loadPolicy } from '../../src/domain/policy/loadPolicy';
import type { AccessRequest, Status } from '../../src/domain/request';
import type { Settings } from '../../src/app/deps';
import type { Logger } from '../../src/ports';
import { startEmulator, type Emulator } from '../../dev/emulator';
import { createOidcIssuer, type OidcIssuer } from '../../dev/sandbox/oidcIssuer';
import { startSlackStandIn, type SlackStandIn, type PostedMessage } from '../../dev/sandbox/slackStandIn';
import {
  appHomeOpenedBody,
  blockActionsBody,
  slashCommandBody,
  viewSubmissionBody,
  blockSuggestionBody,
  viewSelectBody,
  FORM_CONTENT_TYPE,
  JSON_CONTENT_TYPE,
} from '../../dev/sandbox/slackPayloads';
import { postToSlackEndpoint, type PostToSlackEndpointOptions } from '../../dev/sandbox/slackSigner';
import { startSocketModeStandIn, type SocketModeStandIn } from '../../dev/sandbox/socketModeStandIn';

export const PROJECT = 'acme-prod';
export const SIGNING_SECRET = 'test-signing-secret';
export const BOT_TOKEN = 'xoxb-test-token';
export const APP_TOKEN = 'xapp-1-A0WARDEN-1-test';
export const AUDIENCE = 'https://runwarden.test/jobs';
export const SCHEDULER = 'scheduler@acme-prod.iam.gserviceaccount.com';
export const APPROVALS_CHANNEL = 'C0APPROVALS';

export const TEST_POLICY = `
defaults: { project: ${PROJECT}, region: us-central1, kmsLocation: global, channel: ${APPROVALS_CHANNEL} }
domains: [acme.example]
identities: { U0ALICE: alice@acme.example }
approverGroups:
  platform: [U0BOB, U0CAROL, U0ALICE]
  security: [S0SECURITY]
rules:
  - kind: invoker
    resources: ["projects/${PROJECT}/locations/*/services/pair-*"]
    maxDuration: 8h
    approvers: platform
    approvals: 2
  - kind: invoker
    resources: ["projects/${PROJECT}/locations/*/services/*"]
    roles: [roles/run.invoker, roles/run.viewer]
    maxDuration: 8h
    minDuration: 1m
    approvers: platform
    approvals: 1
  - kind: egress
    resources: ["projects/${PROJECT}/locations/*/services/payments-*"]
    maxDuration: 1d
    approvers: platform
    approvals: 2
  - kind: egress
    resources: ["projects/${PROJECT}/locations/*/services/*"]
    approvers: platform
  - kind: ingress
    resources: ["projects/${PROJECT}/locations/*/services/*"]
    maxDuration: 1d
    approvers: platform
  - kind: rotate
    resources: ["projects/${PROJECT}/locations/global/keyRings/*/cryptoKeys/*"]
    approvers: security
`;

export const USERS = [
  { id: 'U0ALICE', name: 'alice', email: 'alice@acme.example' },
  { id: 'U0BOB', name: 'bob', email: 'bob@acme.example' },
  { id: 'U0CAROL', name: 'carol', email: 'carol@acme.example' },
  { id: 'U0DAVE', name: 'dave', email: 'dave@acme.example' },
  { id: 'U0ERIN', name: 'erin', email: 'erin@acme.example' },
  { id: 'U0MALLORY', name: 'mallory', email: 'mallory@evil.example' },
];

export function service(name: string, region = 'us-central1'): string {
  return `projects/${PROJECT}/locations/${region}/services/${name}`;
}

export class TestClock {
  private offsetMs = 0;
  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }
  advance(seconds: number): void {
    this.offsetMs += seconds * 1000;
  }
}

export interface Harness {
  emulator: Emulator;
  slack: SlackStandIn;
  /** with `socketMode`: the Socket Mode stand-in every Slack payload goes through */
  socket?: SocketModeStandIn | undefined;
  issuer: OidcIssuer;
  runwarden: Runwarden;
  clock: TestClock;
  botUrl: string;
  /** the Firestore project of this bot (shared with a peer instance) */
  projectId: string;
  certsUrl: string;
  slash(
    user: string,
    text: string,
    options?: { timestamp?: number; signature?: string },
  ): Promise<{ status: number; text: string; tag: string }>;
  /** the slash command's answer: the acknowledgement body if it carried text, else the response_url reply */
  ask(user: string, text: string): Promise<string>;
  click(user: string, action: 'approve' | 'deny' | 'revoke' | 'review', id: string): Promise<{ status: number; tag: string }>;
  /** a click on any button: its action id and value, from a channel message (or, without `source`, from App Home) */
  press(
    user: string,
    actionId: string,
    value: string,
    source?: { channel: string; ts: string },
  ): Promise<{ status: number; text: string; tag: string }>;
  /** the user opens runwarden's Home tab (a signed app_home_opened event); resolves with the view published next */
  openHome(user: string): Promise<Record<string, unknown>>;
  /** submits a modal (a signed view_submission); resolves with runwarden's answer body, undefined when it just closes the modal */
  submitView(
    user: string,
    view: Record<string, unknown>,
    values: Record<string, string | undefined>,
    viewId?: string,
  ): Promise<Record<string, unknown> | undefined>;
  /** `/warden` with no arguments: resolves with the modal it opened (id and view) */
  openForm(user: string): Promise<{ id: string; view: Record<string, unknown> }>;
  /** chooses a Kind in an open form (dispatch_action); resolves with the redrawn view */
  chooseKind(user: string, modal: { id: string; view: Record<string, unknown> }, kind: string): Promise<Record<string, unknown>>;
  /** types into the form's Target (block_suggestion); resolves with the options answered */
  suggest(
    user: string,
    modal: { id: string; view: Record<string, unknown> },
    typed: string,
    values?: Record<string, string | undefined>,
  ): Promise<Array<{ text: { text: string }; value: string }>>;
  /** types into Target until options come back (the form's first listing may still be loading) */
  waitForOptions(
    user: string,
    modal: { id: string; view: Record<string, unknown> },
    typed: string,
    timeoutMs?: number,
  ): Promise<Array<{ text: { text: string }; value: string }>>;
  /** the message of extension `n` of request `id` */
  extensionMessage(id: string, n: number): PostedMessage | undefined;
  sweep(token?: string | null): Promise<{ status: number; body: Record<string, number> }>;
  request(id: string): Promise<AccessRequest>;
  waitForStatus(id: string, status: Status, timeoutMs?: number): Promise<AccessRequest>;
  /** polls the stored request until `until` holds; fails (saying what it last read) when the time runs out */
  waitForRequest(id: string, until: (request: AccessRequest) => boolean, timeoutMs?: number, description?: string): Promise<AccessRequest>;
  /** an approved request whose apply was interrupted: its lease has lapsed, so the sweep may take it over */
  waitForLapsedApply(id: string): Promise<AccessRequest>;
  approvalMessage(id: string): PostedMessage | undefined;
  submit(user: string, text: string): Promise<string>;
  stop(): Promise<void>;
  /** stops only the bot's HTTP server, leaving its clients to wind down on their own */
  stopServing(): Promise<void>;
}

const ACTIONS = { approve: 'runwarden_approve', deny: 'runwarden_deny', revoke: 'runwarden_revoke', review: 'runwarden_review' } as const;

function messageHasId(message: PostedMessage, id: string): boolean {
  return JSON.stringify(message.blocks ?? []).includes(`"value":"${id}"`) || message.text.includes(id);
}

export interface HarnessOptions {
  policy?: string;
  settings?: Partial<Settings>;
  /** passed to createRunwarden (benchmarks count store calls with it) */
  wrapStore?: RunwardenOptions['wrapStore'];
  /**
   * A second bot instance: its own process state (leases, Bolt app, clients)
   * on the same Firestore project, Google emulator, Slack stand-in and clock
   * as `peer`. Stopping it leaves the peer's stand-ins running.
   */
  peer?: Harness;
  /** receives every audit line (default: discarded) */
  auditLog?: AuditLog;
  /** the bot's operational logger (default: silent) */
  logger?: Logger;
  /**
   * Socket Mode (SLACK_APP_TOKEN): the bot connects to a Socket Mode stand-in
   * (dev/sandbox/socketModeStandIn.ts) and every Slack payload below arrives
   * as an envelope on that connection instead of a signed HTTP request; the
   * answers are the envelopes' acknowledgements. Not with `peer`.
   */
  socketMode?: boolean;
  /** WARDEN_SLASH_COMMAND (default /warden): the bot's slash command, and the one the harness sends */
  slashCommand?: string;
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  process.env.METADATA_SERVER_DETECTION = 'none';
  const loaded = loadPolicy(options.policy ?? TEST_POLICY);
  if (!loaded.ok) throw new Error(`test policy invalid: ${loaded.problems.join('; ')}`);
  const peer = options.peer;
  const emulator = peer?.emulator ?? (await startEmulator());
  const issuer = peer?.issuer ?? (await createOidcIssuer());
  const certs = peer ? { url: peer.certsUrl, stop: async () => undefined } : await issuer.serve();
  // Slack allows 3 s for an acknowledgement; the tests wait longer (a loaded machine, the first payload loads the request path).
  const socket =
    options.socketMode && !peer
      ? await startSocketModeStandIn({ appToken: APP_TOKEN, botToken: BOT_TOKEN, ackTimeoutMs: 30_000 })
      : undefined;
  const slack =
    peer?.slack ??
    (await startSlackStandIn({
      botToken: BOT_TOKEN,
      users: USERS,
      userGroups: { S0SECURITY: ['U0DAVE', 'U0ERIN'] },
      ...(socket ? { extraRoutes: socket.routes } : {}),
    }));
  const clock = peer?.clock ?? new TestClock();
  const projectId = peer?.projectId ?? `${PROJECT}-${randomBytes(4).toString('hex')}`;
  const runwarden = createRunwarden({
    port: 0,
    slashCommand: options.slashCommand ?? '/warden',
    ...(socket ? { appToken: APP_TOKEN } : { signingSecret: SIGNING_SECRET }),
    botToken: BOT_TOKEN,
    slackApiUrl: `${slack.url}/api/`,
    projectId,
    runEmulatorHost: emulator.address,
    kmsEmulatorHost: emulator.address,
    assetEmulatorHost: emulator.address,
    jobs: { audience: AUDIENCE, invokers: [SCHEDULER], certsUrl: certs.url },
    policy: loaded.policy,
    logger: options.logger ?? silentLogger,
    auditLog: options.auditLog ?? discardAuditLog,
    clock,
    // generous: the Firestore emulator resolves contended transactions slowly on a loaded machine
    settings: { storeTimeoutMs: 60_000, ...options.settings },
    wrapStore: options.wrapStore,
  });
  const server = await runwarden.start();
  const botUrl = `http://127.0.0.1:${server.port}`;
  /** One Slack payload to the bot: a signed POST to /slack/events, or (Socket Mode) an envelope and its acknowledgement. */
  const send = async (
    body: string,
    contentType: string,
    signing: PostToSlackEndpointOptions = {},
  ): Promise<{ status: number; text: string }> => {
    if (!socket) return postToSlackEndpoint(`${botUrl}/slack/events`, SIGNING_SECRET, body, contentType, signing);
    const ack = await socket.deliverBody(body, contentType);
    return { status: 200, text: Object.keys(ack.payload).length > 0 ? JSON.stringify(ack.payload) : '' };
  };
  let tags = 0;
  // response_url tags are unique across bot instances sharing one Slack stand-in
  const instance = peer ? `${randomBytes(3).toString('hex')}-` : '';

  const harness: Harness = {
    emulator,
    slack,
    socket,
    issuer,
    runwarden,
    clock,
    botUrl,
    projectId,
    certsUrl: certs.url,
    async slash(user, text, signing = {}) {
      tags += 1;
      const tag = `${instance}cmd${tags}`;
      const body = slashCommandBody({ text, userId: user, responseUrl: slack.responseUrl(tag), command: options.slashCommand });
      const answer = await send(body, FORM_CONTENT_TYPE, signing);
      return { ...answer, tag };
    },
    async ask(user, text) {
      const answer = await harness.slash(user, text);
      if (answer.status !== 200) throw new Error(`slash command answered HTTP ${answer.status}`);
      if (answer.text.trim().length > 0) {
        const parsed = JSON.parse(answer.text) as { text?: string };
        if (parsed.text) return parsed.text;
      }
      const reply = await slack.waitFor(() => slack.responses(answer.tag)[0], { description: `reply to "${text}"`, timeoutMs: 30_000 });
      return reply.body.text ?? '';
    },
    async click(user, action, id) {
      const message = harness.approvalMessage(id);
      if (!message) throw new Error(`no approval message for ${id}`);
      tags += 1;
      const tag = `${instance}click${tags}`;
      const body = blockActionsBody({
        userId: user,
        actionId: ACTIONS[action],
        value: id,
        channelId: message.channel,
        messageTs: message.ts,
        responseUrl: slack.responseUrl(tag),
      });
      const answer = await send(body, FORM_CONTENT_TYPE);
      return { status: answer.status, tag };
    },
    async press(user, actionId, value, source) {
      tags += 1;
      const tag = `press${tags}`;
      const body = blockActionsBody({
        userId: user,
        actionId,
        value,
        ...(source ? { channelId: source.channel, messageTs: source.ts, responseUrl: slack.responseUrl(tag) } : {}),
      });
      const answer = await send(body, FORM_CONTENT_TYPE);
      return { ...answer, tag };
    },
    async openHome(user) {
      // Home refreshes run in the background (src/app/homeRefresher.ts): let the ones already started finish,
      // so the publish awaited below is this event's and shows everything done before it
      await (await runwarden.useCases()).idle(60_000);
      const before = slack.homePublishes(user);
      const answer = await send(appHomeOpenedBody({ userId: user }), JSON_CONTENT_TYPE);
      if (answer.status !== 200) throw new Error(`app_home_opened answered HTTP ${answer.status}`);
      await slack.waitFor(() => slack.homePublishes(user) > before, { description: `App Home of ${user}` });
      return slack.home(user) ?? {};
    },
    async submitView(user, view, values, viewId) {
      const body = viewSubmissionBody({ userId: user, view, values, ...(viewId ? { viewId } : {}) });
      const answer = await send(body, FORM_CONTENT_TYPE);
      if (answer.status !== 200) throw new Error(`view_submission answered HTTP ${answer.status}`);
      return answer.text.trim() === '' ? undefined : (JSON.parse(answer.text) as Record<string, unknown>);
    },
    async openForm(user) {
      const before = slack.modals().length;
      const answer = await harness.slash(user, '');
      if (answer.status !== 200) throw new Error(`/warden answered HTTP ${answer.status}`);
      const modal = await slack.waitFor(() => slack.modals()[before], { description: 'the request form' });
      return { id: modal.id, view: modal.view };
    },
    async chooseKind(user, modal, kind) {
      const updates = slack.modals().find((m) => m.id === modal.id)?.history.length ?? 0;
      const body = viewSelectBody({
        userId: user,
        view: modal.view,
        viewId: modal.id,
        blockId: 'runwarden_form_kind',
        actionId: 'runwarden_form_kind_select',
        value: kind,
      });
      await send(body, FORM_CONTENT_TYPE);
      const updated = await slack.waitFor(() => slack.modals().find((m) => m.id === modal.id && m.history.length > updates), {
        description: 'the redrawn form',
      });
      return updated.view;
    },
    async suggest(user, modal, typed, values) {
      const body = blockSuggestionBody({
        userId: user,
        view: modal.view,
        viewId: modal.id,
        blockId: 'runwarden_form_target',
        actionId: 'runwarden_form_target_select',
        value: typed,
        ...(values ? { values } : {}),
      });
      const answer = await send(body, FORM_CONTENT_TYPE);
      if (answer.status !== 200) throw new Error(`block_suggestion answered HTTP ${answer.status}: ${answer.text}`);
      return (JSON.parse(answer.text) as { options: Array<{ text: { text: string }; value: string }> }).options;
    },
    async waitForOptions(user, modal, typed, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const options = await harness.suggest(user, modal, typed);
        if (options.length > 0) return options;
        if (Date.now() > deadline) throw new Error(`no options for "${typed}" within ${timeoutMs} ms`);
      }
    },
    extensionMessage(id, n) {
      return slack
        .messages(APPROVALS_CHANNEL)
        .find(
          (m) => JSON.stringify(m.blocks ?? []).includes(`"value":"${id}.${n}"`) || m.text.startsWith(`Extension ${n} of request ${id}`),
        );
    },
    async sweep(token) {
      const headers: Record<string, string> = {};
      const bearer = token === undefined ? issuer.mint({ aud: AUDIENCE, email: SCHEDULER }) : token;
      if (bearer !== null) headers.authorization = `Bearer ${bearer}`;
      const response = await fetch(`${botUrl}/jobs/sweep`, { method: 'POST', headers });
      const text = await response.text();
      return { status: response.status, body: text ? (JSON.parse(text) as Record<string, number>) : {} };
    },
    async request(id) {
      const found = await runwarden.deps.store.get(id);
      if (!found) throw new Error(`request ${id} not found`);
      return found;
    },
    async waitForStatus(id, status, timeoutMs = 30_000) {
      return harness.waitForRequest(id, (r) => r.status === status && r.op === undefined, timeoutMs, `${status}, no work under way`);
    },
    async waitForRequest(id, until, timeoutMs = 30_000, description = 'the awaited state') {
      const deadline = Date.now() + timeoutMs;
      let last = await harness.request(id);
      while (!until(last)) {
        if (Date.now() >= deadline) {
          const { outbox: _outbox, ...shown } = last;
          throw new Error(
            `request ${id} did not reach ${description} within ${timeoutMs} ms; it is ${last.status}${last.op ? ` (${last.op.type} under a lease)` : ''}: ${JSON.stringify(shown).slice(0, 600)}`,
          );
        }
        await new Promise((r) => setTimeout(r, 50));
        last = await harness.request(id);
      }
      return last;
    },
    waitForLapsedApply(id) {
      return harness.waitForRequest(
        id,
        (r) => r.status === 'approved' && r.op !== undefined && r.op.leaseUntil.getTime() <= clock.now().getTime(),
      );
    },
    approvalMessage(id) {
      return slack.messages(APPROVALS_CHANNEL).find((m) => !m.threadTs && messageHasId(m, id));
    },
    async submit(user, text) {
      const reply = await harness.ask(user, text);
      const match = /`([23456789a-hjkmnp-z]{10})`/.exec(reply);
      if (!match?.[1]) throw new Error(`no request id in reply: ${reply}`);
      const id = match[1];
      await slack.waitFor(() => harness.approvalMessage(id), { description: `approval message for ${id}` });
      return id;
    },
    stopServing: () => server.stop(),
    async stop() {
      await runwarden.stop();
      if (!peer) await Promise.allSettled([slack.stop(), certs.stop(), emulator.stop(), ...(socket ? [socket.stop()] : [])]);
    },
  };
  return harness;
}
