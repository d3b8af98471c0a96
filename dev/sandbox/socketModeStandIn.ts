/**
 * A local stand-in for Slack's Socket Mode, speaking its protocol
 * (https://api.slack.com/apis/connections/socket-implement, and what
 * @slack/socket-mode's SocketModeClient expects of it):
 *
 * - `apps.connections.open` (a Web API method: served through the Slack
 *   stand-in's `extraRoutes`, so it is reached at SLACK_API_URL like every
 *   other call) takes the app-level token (`xapp-…`) and answers
 *   `{ ok: true, url: "ws://…/link/?ticket=…&app_id=…" }`. A bot token gets
 *   `not_allowed_token_type`, another token `invalid_auth`. A ticket opens one
 *   connection only, as Slack's single-use URLs do.
 * - On connection Slack sends `{ type: "hello", num_connections, debug_info,
 *   connection_info: { app_id } }`; only then does the client count as connected.
 * - Payloads arrive as envelopes `{ envelope_id, type, payload,
 *   accepts_response_payload }` — `events_api` (with `retry_attempt` /
 *   `retry_reason`), `slash_commands`, `interactive` — and the app
 *   acknowledges each with `{ envelope_id, payload }` (the payload is the
 *   response: a slash command's reply, a view submission's response_action,
 *   a block_suggestion's options).
 * - `{ type: "disconnect", reason, debug_info }` asks the client to open a new
 *   connection (`refresh_requested`; `warning`: the connection closes about
 *   10 seconds later); `drop()` cuts the TCP connection without a close frame.
 * - The server pings every `pingIntervalMs`; the client pings too and
 *   expects pongs (the ws library answers them).
 *
 * `deliverBody` turns the HTTP body Slack would POST to /slack/events (the
 * builders of slackPayloads.ts) into the envelope Slack would send instead,
 * so every flow a test drives over HTTP can be driven over Socket Mode.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { z } from 'zod';
import type { ExtraRoute, StandInRequest } from './slackStandIn';

export type EnvelopeType = 'events_api' | 'slash_commands' | 'interactive';

export interface Envelope {
  envelope_id: string;
  type: EnvelopeType;
  payload: Record<string, unknown>;
  accepts_response_payload: boolean;
  retry_attempt?: number;
  retry_reason?: string;
}

export interface Ack {
  envelope_id: string;
  /** the app's response (empty object for a bare acknowledgement) */
  payload: Record<string, unknown>;
}

export interface SocketModeStandInOptions {
  /** the app-level token apps.connections.open accepts */
  appToken: string;
  /** refused with not_allowed_token_type, as Slack refuses bot tokens on apps.connections.open */
  botToken?: string;
  appId?: string;
  /** how often the server pings each connection (Slack's own interval is a few seconds) */
  pingIntervalMs?: number;
  /** how long `deliver` waits for the acknowledgement (Slack allows 3 s) */
  ackTimeoutMs?: number;
  /** after a `warning` disconnect, the connection is closed this much later (Slack: about 10 s) */
  warningCloseMs?: number;
}

export interface DeliverOptions {
  /** reuse an envelope id (a redelivery of the same envelope) */
  envelopeId?: string;
  retryAttempt?: number;
  retryReason?: string;
  /** deliver, then cut the connection at once, before any acknowledgement can come back */
  dropAfterSend?: boolean;
}

export interface SocketModeStandIn {
  /** for startSlackStandIn({ extraRoutes }): serves apps.connections.open */
  routes: Record<string, ExtraRoute>;
  /** connections that received `hello`, ever */
  readonly connectionsOpened: number;
  /** connections open now */
  readonly openConnections: number;
  /** every envelope sent, oldest first */
  readonly sent: Envelope[];
  /** every acknowledgement received, oldest first */
  readonly acks: Ack[];
  /** resolves once more than `after` connections have been opened (default: any) and one is open */
  waitForConnection(after?: number, timeoutMs?: number): Promise<void>;
  /** sends an envelope on the newest open connection; resolves with its acknowledgement */
  deliver(type: EnvelopeType, payload: Record<string, unknown>, options?: DeliverOptions): Promise<Ack>;
  /** the envelope Slack sends instead of POSTing `body` (form or JSON, as slackPayloads.ts builds it) to the request URL */
  deliverBody(body: string, contentType: string, options?: DeliverOptions): Promise<Ack>;
  /** sends the same envelope again, as Slack does when it saw no acknowledgement */
  redeliver(envelope: Envelope, retryReason?: string): Promise<Ack>;
  /** Slack's `disconnect` message on every open connection */
  requestDisconnect(reason: 'warning' | 'refresh_requested' | 'link_disabled'): void;
  /** cuts every open connection without a close frame (a network failure) */
  drop(): void;
  stop(): Promise<void>;
}

const ackSchema = z.object({ envelope_id: z.string().min(1), payload: z.record(z.string(), z.unknown()).optional() });

/** Which envelope Slack wraps an HTTP request body in, and whether the app may answer in its acknowledgement. */
export function envelopeOf(
  body: string,
  contentType: string,
): { type: EnvelopeType; payload: Record<string, unknown>; acceptsResponsePayload: boolean } {
  if (contentType.startsWith('application/json')) {
    const payload = JSON.parse(body) as Record<string, unknown>;
    return { type: 'events_api', payload, acceptsResponsePayload: acceptsResponse('events_api', payload) };
  }
  const form = new URLSearchParams(body);
  const interactive = form.get('payload');
  if (interactive !== null) {
    const payload = JSON.parse(interactive) as Record<string, unknown>;
    return { type: 'interactive', payload, acceptsResponsePayload: acceptsResponse('interactive', payload) };
  }
  const payload = Object.fromEntries(form);
  return { type: 'slash_commands', payload, acceptsResponsePayload: acceptsResponse('slash_commands', payload) };
}

/** Slash commands, view submissions and options loads are answered in the acknowledgement; events and button clicks are not. */
function acceptsResponse(type: EnvelopeType, payload: Record<string, unknown>): boolean {
  if (type === 'slash_commands') return true;
  return type === 'interactive' && (payload.type === 'view_submission' || payload.type === 'block_suggestion');
}

export async function startSocketModeStandIn(options: SocketModeStandInOptions): Promise<SocketModeStandIn> {
  const appId = options.appId ?? 'A0WARDEN';
  const tickets = new Set<string>();
  const connections: WebSocket[] = [];
  const sent: Envelope[] = [];
  const acks: Ack[] = [];
  const changes = new EventEmitter().setMaxListeners(0);
  let opened = 0;
  const host = `applink-standin-${randomBytes(3).toString('hex')}`;

  const server = createServer((_req, res) => res.writeHead(404).end());
  const wss = new WebSocketServer({ noServer: true });
  server.on('upgrade', (req: IncomingMessage, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const ticket = url.searchParams.get('ticket') ?? '';
    if (url.pathname !== '/link/' || !tickets.delete(ticket)) {
      socket.end('HTTP/1.1 401 Unauthorized\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => accept(ws));
  });

  function accept(ws: WebSocket): void {
    connections.push(ws);
    opened += 1;
    const ping = setInterval(() => ws.ping(), options.pingIntervalMs ?? 5_000);
    ws.on('message', (data, isBinary) => {
      if (isBinary) return;
      const parsed = ackSchema.safeParse(safeJson(String(data)));
      if (!parsed.success) return;
      acks.push({ envelope_id: parsed.data.envelope_id, payload: parsed.data.payload ?? {} });
      changes.emit('ack', parsed.data.envelope_id);
    });
    ws.on('close', () => {
      clearInterval(ping);
      const index = connections.indexOf(ws);
      if (index >= 0) connections.splice(index, 1);
      changes.emit('change');
    });
    ws.send(
      JSON.stringify({
        type: 'hello',
        num_connections: connections.length,
        debug_info: { host, build_number: 1, approximate_connection_time: 18_060 },
        connection_info: { app_id: appId },
      }),
    );
    changes.emit('change');
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const wsBase = `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const connectionsOpen: ExtraRoute = async (request: StandInRequest) => {
    const token =
      /^Bearer\s+(.+)$/i.exec(request.headers.authorization ?? '')?.[1] ?? new URLSearchParams(request.body).get('token') ?? undefined;
    if (!token) return { status: 200, body: { ok: false, error: 'not_authed' } };
    if (token === options.botToken || /^xox[bp]-/.test(token)) return { status: 200, body: { ok: false, error: 'not_allowed_token_type' } };
    if (token !== options.appToken) return { status: 200, body: { ok: false, error: 'invalid_auth' } };
    const ticket = randomUUID();
    tickets.add(ticket);
    return { status: 200, body: { ok: true, url: `${wsBase}/link/?ticket=${ticket}&app_id=${appId}` } };
  };

  function newest(): WebSocket {
    const ws = connections.at(-1);
    if (!ws) throw new Error('Socket Mode stand-in: no open connection to deliver on');
    return ws;
  }

  function waitForAck(envelopeId: string, timeoutMs: number): Promise<Ack> {
    return new Promise<Ack>((resolve, reject) => {
      const found = (): Ack | undefined => acks.find((a) => a.envelope_id === envelopeId);
      const check = (id: string): void => {
        if (id !== envelopeId) return;
        const ack = found();
        if (!ack) return;
        clearTimeout(timer);
        changes.off('ack', check);
        resolve(ack);
      };
      const timer = setTimeout(() => {
        changes.off('ack', check);
        reject(new Error(`Socket Mode stand-in: envelope ${envelopeId} was not acknowledged within ${timeoutMs} ms`));
      }, timeoutMs);
      changes.on('ack', check);
      check(envelopeId);
    });
  }

  function send(envelope: Envelope, dropAfterSend: boolean): Promise<Ack> {
    const ws = newest();
    sent.push(envelope);
    if (dropAfterSend) {
      // the frame goes out, then the TCP connection is cut: no acknowledgement can come back on it
      ws.send(JSON.stringify(envelope), () => ws.terminate());
      return Promise.reject(
        new Error(`Socket Mode stand-in: envelope ${envelope.envelope_id} was not acknowledged: the connection was dropped`),
      );
    }
    const acknowledged = waitForAck(envelope.envelope_id, options.ackTimeoutMs ?? 3_000);
    ws.send(JSON.stringify(envelope));
    return acknowledged;
  }

  const standIn: SocketModeStandIn = {
    routes: { '/api/apps.connections.open': connectionsOpen },
    get connectionsOpened() {
      return opened;
    },
    get openConnections() {
      return connections.length;
    },
    sent,
    acks,
    waitForConnection(after = 0, timeoutMs = 30_000) {
      return new Promise<void>((resolve, reject) => {
        const check = (): void => {
          if (opened > after && connections.length > 0) {
            clearTimeout(timer);
            changes.off('change', check);
            resolve();
          }
        };
        const timer = setTimeout(() => {
          changes.off('change', check);
          reject(new Error(`Socket Mode stand-in: no new connection within ${timeoutMs} ms (opened so far: ${opened})`));
        }, timeoutMs);
        changes.on('change', check);
        check();
      });
    },
    deliver(type, payload, deliverOptions = {}) {
      const envelope: Envelope = {
        envelope_id: deliverOptions.envelopeId ?? randomUUID(),
        type,
        payload,
        accepts_response_payload: acceptsResponse(type, payload),
        ...(type === 'events_api'
          ? { retry_attempt: deliverOptions.retryAttempt ?? 0, retry_reason: deliverOptions.retryReason ?? '' }
          : {}),
      };
      return send(envelope, deliverOptions.dropAfterSend === true);
    },
    deliverBody(body, contentType, deliverOptions = {}) {
      const { type, payload } = envelopeOf(body, contentType);
      return standIn.deliver(type, payload, deliverOptions);
    },
    redeliver(envelope, retryReason = 'timeout') {
      const again: Envelope = { ...envelope, retry_attempt: (envelope.retry_attempt ?? 0) + 1, retry_reason: retryReason };
      return send(again, false);
    },
    requestDisconnect(reason) {
      for (const ws of [...connections]) {
        ws.send(JSON.stringify({ type: 'disconnect', reason, debug_info: { host } }));
        if (reason === 'warning') setTimeout(() => ws.close(1001, 'going away'), options.warningCloseMs ?? 10_000).unref();
      }
    },
    drop() {
      for (const ws of [...connections]) ws.terminate();
    },
    async stop() {
      for (const ws of [...connections]) ws.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
  return standIn;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
