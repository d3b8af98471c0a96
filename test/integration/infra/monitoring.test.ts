/**
 * infra/monitoring.tf, alerts.tf and dashboard.tf against the code: runwarden
 * is driven for real (a sweep, a request approved and applied, a change that
 * fails, drift, break-glass left unreviewed for a day, a Slack message
 * dropped), every log line it writes is captured and turned into the
 * LogEntry Cloud Run would make of it, and each log-based metric's filter and
 * extractors are evaluated on those entries (test/support/logQuery.ts). A
 * renamed log field, message or audit action breaks this test, not the
 * alerts. Each alert must watch a metric that exists (or Cloud Run's own
 * request_count) and link a section of docs/runbook.md that exists (the posture
 * scan is run too, for the open findings); the
 * dashboard's JSON must use only fields of the Monitoring API's Dashboard
 * message (its protocol buffer definitions, from @google-cloud/monitoring-dashboards)
 * and chart only metrics that exist.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { createAuditLog } from '../../../src/app/auditLog';
import { createLogger } from '../../../src/app/logger';
import { ROOT } from '../../support/clientCalls';
import { APPROVALS_CHANNEL, PROJECT, service, startHarness, type Harness } from '../../support/harness';
import { runPostureScan } from '../../support/posture';
import { extract, matchesFilter, parseFilter, toLogEntry, type LogEntry } from '../../support/logQuery';
import { INFRA_DIR, nested, readTerraform, resolve, type TerraformModule } from '../../support/terraform';

jest.setTimeout(180_000);

const SERVICE = 'runwarden';
const POLICY = `
defaults: { project: ${PROJECT}, region: us-central1, kmsLocation: global, channel: ${APPROVALS_CHANNEL} }
domains: [acme.example]
identities: { U0ALICE: alice@acme.example }
approverGroups:
  platform: [U0BOB, U0CAROL]
rules:
  - kind: invoker
    resources: ["projects/${PROJECT}/locations/*/services/*"]
    maxDuration: 8h
    approvers: platform
    breakGlass: { requesters: [U0ALICE], maxDuration: 1h }
posture:
  scope: [projects/${PROJECT}]
  approvers: platform
  channel: ${APPROVALS_CHANNEL}
`;


const lines: Array<Record<string, unknown>> = [];
const sink = new Writable({
  write(chunk: Buffer, _encoding, done) {
    for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) lines.push(JSON.parse(line) as Record<string, unknown>);
    done();
  },
});

let h: Harness;
let tf: TerraformModule;
let entries: LogEntry[];

interface Metric {
  address: string;
  name: string;
  filter: string;
  valueExtractor?: string | undefined;
  labels: Record<string, string>;
  valueType: string;
}

/** Every google_logging_metric, for_each instances expanded, names and filters resolved with the variables' defaults. */
function metrics(): Metric[] {
  const out: Metric[] = [];
  for (const [address, block] of Object.entries(tf.resources('google_logging_metric'))) {
    const forEach = block.for_each as string | undefined;
    const instances: Array<{ key: string; value: unknown } | undefined> = forEach
      ? Object.entries(tf.locals()[/^\$\{local\.(\w+)\}$/.exec(forEach)?.[1] ?? ''] as Record<string, unknown>).map(([key, value]) => ({ key, value }))
      : [undefined];
    for (const each of instances) {
      const r = (text: unknown): string => resolve(tf, String(text), each ? { each } : {});
      const labels = Object.fromEntries(Object.entries((block.label_extractors ?? {}) as Record<string, string>).map(([k, v]) => [k, r(v)]));
      out.push({
        address: each ? `${address}["${each.key}"]` : address,
        name: r(block.name),
        filter: r(block.filter),
        valueExtractor: block.value_extractor === undefined ? undefined : r(block.value_extractor),
        labels,
        valueType: String(nested(block, 'metric_descriptor').value_type),
      });
    }
  }
  return out;
}

beforeAll(async () => {
  tf = await readTerraform();
  h = await startHarness({
    policy: POLICY,
    logger: createLogger({ level: 'info', destination: sink }),
    auditLog: createAuditLog({ destination: sink }),
    settings: { remindAfterSeconds: 3600 },
  });
  h.emulator.seedService({ name: service('hello') });
  h.emulator.seedService({ name: service('broken') });
  h.emulator.seedService({ name: service('drifty') });
  h.emulator.seedService({ name: service('lost-api') });
  h.emulator.seedService({ name: service('checkout') });

  // a request approved and applied (submitted, approved with how long it waited, applied)
  const granted = await h.submit('U0ALICE', 'invoker hello 1h monitored');
  await h.click('U0BOB', 'approve', granted);
  await h.waitForStatus(granted, 'active');

  // a change Google refuses for good: the request ends failed
  const broken = await h.submit('U0ALICE', 'invoker broken 1h will fail');
  h.emulator.injectFault({ method: 'SetIamPolicy', code: 7, message: 'Permission denied', resource: service('broken') });
  await h.click('U0BOB', 'approve', broken);
  await h.waitForStatus(broken, 'failed');

  // a revoke Google refuses: the grant stays active, the revert is retried with backoff (issue 16 §11)
  h.emulator.seedService({ name: service('stuck') });
  const stuck = await h.submit('U0ALICE', 'invoker stuck 1h its removal will be refused');
  await h.click('U0BOB', 'approve', stuck);
  await h.waitForStatus(stuck, 'active');
  h.emulator.injectFault({ method: 'SetIamPolicy', code: 7, message: 'Permission denied', resource: service('stuck') });
  await h.click('U0ALICE', 'revoke', stuck);
  await h.waitForRequest(stuck, (r) => r.revertFailing !== undefined);

  // drift: someone else removes runwarden's binding; the sweep finds it
  const drifty = await h.submit('U0ALICE', 'invoker drifty 1h will drift');
  await h.click('U0BOB', 'approve', drifty);
  await h.waitForStatus(drifty, 'active');
  h.emulator.foreignSetBindings(service('drifty'), []);
  await h.sweep();
  await h.waitForRequest(drifty, (r) => r.status !== 'active');

  // a Slack message that can never be delivered: Slack says the channel does not exist
  h.slack.failNext('chat.postMessage', 'channel_not_found');
  await h.ask('U0ALICE', 'invoker lost-api 1h nobody will see this');
  await until(() => lines.some((l) => l.deliveryOutcome === 'dropped'), 'a dropped delivery');

  // break-glass, left unreviewed for more than a day; the sweep keeps reporting it
  await h.ask('U0ALICE', 'invoker checkout 30m --break-glass checkout is down'); // (hello: she already holds it)
  h.clock.advance(25 * 3600);
  await h.sweep();

  // the daily posture scan: one `posture findings open` line per finding kind
  expect((await runPostureScan(h)).status).toBe(200);

  entries = lines.map((line) => toLogEntry(line, SERVICE));
}, 180_000);

afterAll(async () => {
  await h?.stop();
});

/** polls a condition on what was logged (log lines are written after the calls a stand-in could wait on) */
async function until(predicate: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('log-based metrics (infra/monitoring.tf) against the lines runwarden writes', () => {
  it('reads every metric of the module (the expansion works)', () => {
    const names = metrics().map((m) => m.name);
    expect(names).toEqual(expect.arrayContaining([`${SERVICE}/sweep_runs`, `${SERVICE}/sweep_expired`, `${SERVICE}/requests_active`, `${SERVICE}/apply_failures`, `${SERVICE}/deliveries_dropped`, `${SERVICE}/break_glass_overdue`, `${SERVICE}/revert_failing`]));
    expect(new Set(names).size).toBe(names.length);
    expect(entries.length).toBeGreaterThan(20);
  });

  it('each metric counts lines the code writes, and not every line', () => {
    const unmatched = metrics()
      .map((m) => ({ metric: m.address, matched: entries.filter((e) => matchesFilter(e, m.filter)).length }))
      .filter((m) => m.matched === 0 || m.matched === entries.length);
    expect(unmatched).toEqual([]);
  });

  it('each extractor finds its field on every line its filter matches (a number for a distribution)', () => {
    const missing: string[] = [];
    for (const metric of metrics()) {
      for (const entry of entries.filter((e) => matchesFilter(e, metric.filter))) {
        for (const [label, extractor] of Object.entries(metric.labels)) {
          if (!extract(entry, extractor)) missing.push(`${metric.address} label ${label}: ${extractor} on "${String(entry.jsonPayload.message)}"`);
        }
        if (metric.valueType === 'DISTRIBUTION') {
          const value = Number(extract(entry, metric.valueExtractor ?? ''));
          if (!Number.isFinite(value)) missing.push(`${metric.address} value: ${metric.valueExtractor ?? '(none)'} on "${String(entry.jsonPayload.message)}"`);
        }
      }
    }
    expect(missing).toEqual([]);
  });

  it('counts what each metric says: the failed change by kind, the drift, the dropped message, the overdue review', () => {
    const byName = Object.fromEntries(metrics().map((m) => [m.name.split('/')[1] ?? '', m]));
    const matched = (name: string): LogEntry[] => entries.filter((e) => matchesFilter(e, byName[name]?.filter ?? 'x=y'));
    expect(matched('apply_failures').map((e) => [extract(e, 'EXTRACT(jsonPayload.kind)'), extract(e, 'EXTRACT(jsonPayload.action)')])).toContainEqual(['invoker', 'failed']);
    expect(matched('drift_found').map((e) => e.jsonPayload.action)).toContain('drift_detected');
    const failing = matched('revert_failing');
    expect(failing.map((e) => [e.severity, extract(e, 'EXTRACT(jsonPayload.kind)')])).toContainEqual(['ERROR', 'invoker']);
    expect(failing.every((e) => e.jsonPayload.event === 'revert_failing')).toBe(true);
    expect(matched('sweep_revert_failing').map((e) => Number(extract(e, byName.sweep_revert_failing?.valueExtractor ?? '')))).toContain(1);
    expect(matched('deliveries_dropped').map((e) => [extract(e, 'EXTRACT(jsonPayload.type)'), e.jsonPayload.error])).toContainEqual(['post_message', expect.stringContaining('channel_not_found')]);
    expect(matched('break_glass_used')).toHaveLength(1);
    // only the sweep after the clock moved a day on sees the review overdue; the one before did not
    const overdue = matched('break_glass_overdue');
    expect(overdue.length).toBeGreaterThan(0);
    expect(overdue.every((e) => Number(e.jsonPayload.unreviewedSeconds) >= 24 * 3600)).toBe(true);
    expect(entries.filter((e) => e.jsonPayload.message === 'break-glass request awaiting review').length).toBeGreaterThanOrEqual(overdue.length);
    const waits = matched('approval_wait').map((e) => Number(extract(e, byName.approval_wait?.valueExtractor ?? '')));
    expect(waits.length).toBeGreaterThanOrEqual(2);
    expect(matched('sweep_runs').length).toBeGreaterThanOrEqual(2);
    // the granted one and the one whose revoke Google refused (it stays active)
    expect(matched('requests_active').map((e) => Number(extract(e, byName.requests_active?.valueExtractor ?? '')))).toContain(2);
  });

  it('filters mean what they say: the metric filter of a line whose field was renamed no longer matches', () => {
    const sweep = entries.find((e) => e.jsonPayload.message === 'sweep finished');
    if (!sweep) throw new Error('no sweep line');
    const renamed = { ...sweep, jsonPayload: { ...sweep.jsonPayload, message: 'sweep done' } };
    const runs = metrics().find((m) => m.name.endsWith('/sweep_runs'));
    expect(matchesFilter(sweep, runs?.filter ?? '')).toBe(true);
    expect(matchesFilter(renamed, runs?.filter ?? '')).toBe(false);
    expect(matchesFilter({ ...sweep, resource: { ...sweep.resource, labels: { ...sweep.resource.labels, service_name: 'other' } } }, runs?.filter ?? '')).toBe(false);
  });

  it('reads the open findings of each kind from the posture scan', () => {
    const posture = metrics().find((m) => m.name.endsWith('/posture_findings_open'));
    const kinds = entries.filter((e) => matchesFilter(e, posture?.filter ?? 'x=y')).map((e) => extract(e, posture?.labels.kind ?? ''));
    expect(kinds).toEqual(expect.arrayContaining(['standing_access', 'public_service', 'open_ingress', 'lingering_binding']));
  });
});

describe('alert policies (infra/alerts.tf)', () => {
  const runbook = (): string => readFileSync(join(ROOT, 'docs', 'runbook.md'), 'utf8');
  /** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens */
  const anchors = (): string[] => [...runbook().matchAll(/^#{1,6} (.+)$/gm)].map((m) => (m[1] ?? '').trim().toLowerCase().replace(/[^\p{L}\p{N} _-]/gu, '').replace(/ /g, '-'));

  it('the six alerts the operator needs exist, each sent to the notification channels of the variable', () => {
    const alerts = tf.resources('google_monitoring_alert_policy');
    expect(Object.keys(alerts).sort()).toEqual(['apply_failures', 'break_glass_unreviewed', 'deliveries_dropped', 'http_5xx', 'revert_failing', 'sweep_stopped']);
    for (const alert of Object.values(alerts)) expect(alert.notification_channels).toBe('${var.notification_channels}');
  });

  it('each alert watches a metric that exists: one of monitoring.tf, or Cloud Run’s request_count of this service', () => {
    const defined = metrics().map((m) => `logging.googleapis.com/user/${m.name}`);
    for (const [name, alert] of Object.entries(tf.resources('google_monitoring_alert_policy'))) {
      const condition = nested(alert, 'conditions');
      const watched = (condition.condition_absent ?? condition.condition_threshold) as Array<Record<string, unknown>> | undefined;
      const filter = resolve(tf, String(watched?.[0]?.filter));
      const type = /metric\.type="([^"]+)"/.exec(filter)?.[1];
      if (type === 'run.googleapis.com/request_count') {
        expect({ name, filter }).toEqual({ name, filter: expect.stringContaining(`resource.label.service_name="${SERVICE}"`) });
        expect(filter).toContain('metric.label.response_code_class="5xx"');
      } else {
        expect({ name, type }).toEqual({ name, type: expect.stringMatching(new RegExp(`^(${defined.map((d) => d.replace(/[./]/g, '\\$&')).join('|')})$`)) });
      }
    }
  });

  it('no condition combines a zero duration with evaluation_missing_data (the API refuses it with 400)', () => {
    for (const [name, alert] of Object.entries(tf.resources('google_monitoring_alert_policy'))) {
      const condition = nested(alert, 'conditions');
      const threshold = (condition.condition_threshold as Array<Record<string, unknown>> | undefined)?.[0];
      if (threshold?.duration === '0s') expect({ name, missing: threshold.evaluation_missing_data }).toEqual({ name, missing: undefined });
    }
  });

  it('no successful sweep for 10 minutes is an absence condition on the sweep metric, summed across revisions', () => {
    const condition = nested(nested(tf.resources('google_monitoring_alert_policy').sweep_stopped ?? {}, 'conditions'), 'condition_absent');
    expect(condition.duration).toBe('600s');
    expect(nested(condition, 'aggregations')).toMatchObject({ cross_series_reducer: 'REDUCE_SUM' });
  });

  it('each alert’s documentation links a section of docs/runbook.md that exists', () => {
    const docs = tf.locals().alert_doc as Record<string, Array<{ anchor: string; text: string }> | { anchor: string; text: string }>;
    const known = anchors();
    for (const [name, alert] of Object.entries(tf.resources('google_monitoring_alert_policy'))) {
      const doc = docs[name];
      const anchor = Array.isArray(doc) ? doc[0]?.anchor : doc?.anchor;
      expect({ name, anchor, exists: known.includes(anchor ?? '') }).toEqual({ name, anchor, exists: true });
      const content = String(nested(alert, 'documentation').content);
      expect(content).toContain(`local.alert_doc.${name}.anchor`);
      expect(content).toContain('${local.runbook}#');
    }
  });
});

describe('the dashboard (infra/dashboard.tf)', () => {
  const rendered = (): Record<string, unknown> => {
    const template = readFileSync(join(INFRA_DIR, 'dashboard.json.tftpl'), 'utf8');
    const text = template
      .replace(/(?<!\$)\$\{metric_type\}/g, `logging.googleapis.com/user/${SERVICE}`)
      .replace(/(?<!\$)\$\{service_name\}/g, SERVICE)
      .replace(/(?<!\$)\$\{runbook\}/g, 'docs/runbook.md')
      .replace(/\$\$\{/g, '${');
    expect(text).not.toMatch(/(?<!\$)\$\{(?!metric\.labels)/);
    return JSON.parse(text) as Record<string, unknown>;
  };

  it('is the template dashboard.tf renders, with exactly the variables it passes', () => {
    const block = tf.resources('google_monitoring_dashboard').runwarden;
    expect(String(block?.dashboard_json)).toContain('templatefile("${path.module}/dashboard.json.tftpl"');
    for (const name of ['metric_type', 'service_name', 'runbook']) expect(String(block?.dashboard_json)).toContain(`${name}`);
  });

  it('uses only fields and enum values of the Monitoring API’s Dashboard message, and every required one', () => {
    expect(dashboardProblems(rendered())).toEqual([]);
  });

  it('charts only metrics that exist, and shows each thing the operator asked for', () => {
    const filters = JSON.stringify(rendered()).match(/metric\.type=\\"[^\\]+\\"/g) ?? [];
    const types = [...new Set(filters.map((f) => f.replace(/^metric\.type=\\"/, '').replace(/\\"$/, '')))];
    const defined = [...metrics().map((m) => `logging.googleapis.com/user/${m.name}`), 'run.googleapis.com/request_count'];
    expect(types.filter((t) => !defined.includes(t))).toEqual([]);
    for (const wanted of ['request_events', 'approval_wait', 'sweep_duration', 'sweep_deferred', 'requests_pending', 'requests_active', 'break_glass_used', 'slack_deliveries']) {
      expect(types).toContain(`logging.googleapis.com/user/${SERVICE}/${wanted}`);
    }
  });

  it('a problem in the JSON is found (the checker can fail)', () => {
    const broken = rendered();
    (broken.mosaicLayout as { tiles: Array<Record<string, unknown>> }).tiles[0] = { xPos: 0, widht: 3, widget: { title: 'x', text: { content: 'x', format: 'HTML' } } };
    expect(dashboardProblems(broken)).toEqual(expect.arrayContaining([expect.stringContaining('widht'), expect.stringContaining('HTML')]));
  });
});

// ------------------------------------------------------------------ the Dashboard message, from its protos

type ProtoNode = { nested?: Record<string, ProtoNode>; fields?: Record<string, { type: string; rule?: string; keyType?: string; options?: Record<string, unknown> }>; values?: Record<string, number>; oneofs?: unknown };
const PROTOS = JSON.parse(readFileSync(require.resolve('@google-cloud/monitoring-dashboards/build/protos/protos.json'), 'utf8')) as ProtoNode;

function lookup(scope: string[], type: string): { path: string[]; node: ProtoNode } | undefined {
  const find = (path: string[]): ProtoNode | undefined => path.reduce<ProtoNode | undefined>((node, part) => node?.nested?.[part], PROTOS);
  const parts = type.split('.');
  for (let depth = scope.length; depth >= 0; depth -= 1) {
    const path = [...scope.slice(0, depth), ...parts];
    const node = find(path);
    if (node) return { path, node };
  }
  return undefined;
}

const SCALARS: Record<string, (v: unknown) => boolean> = {
  string: (v) => typeof v === 'string',
  bool: (v) => typeof v === 'boolean',
  double: (v) => typeof v === 'number',
  float: (v) => typeof v === 'number',
  int32: (v) => Number.isInteger(v),
  int64: (v) => Number.isInteger(v) || (typeof v === 'string' && /^-?\d+$/.test(v)),
};

/** Every field of `value` checked against the proto message `type` (JSON names), recursively. */
function dashboardProblems(value: unknown): string[] {
  const problems: string[] = [];
  const check = (v: unknown, type: string, scope: string[], at: string): void => {
    if (SCALARS[type]) {
      if (!SCALARS[type](v)) problems.push(`${at}: not a ${type}`);
      return;
    }
    if (type === 'google.protobuf.Duration') {
      if (typeof v !== 'string' || !/^\d+(\.\d+)?s$/.test(v)) problems.push(`${at}: not a Duration`);
      return;
    }
    const found = lookup(scope, type);
    if (!found) {
      problems.push(`${at}: unknown type ${type}`);
      return;
    }
    const { node, path } = found;
    if (node.values) {
      if (typeof v !== 'string' || !(v in node.values)) problems.push(`${at}: ${String(v)} is not a value of ${type}`);
      return;
    }
    if (typeof v !== 'object' || v === null || Array.isArray(v)) {
      problems.push(`${at}: not an object (${type})`);
      return;
    }
    const fields = node.fields ?? {};
    for (const [key, field] of Object.entries(fields)) {
      if (field.options?.['(google.api.field_behavior)'] === 'REQUIRED' && !(key in v)) problems.push(`${at}: required field ${key} missing`);
    }
    for (const [key, child] of Object.entries(v)) {
      const field = fields[key];
      if (!field) {
        problems.push(`${at}.${key}: no such field in ${type}`);
        continue;
      }
      if (field.keyType) continue; // a map
      if (field.rule === 'repeated') {
        if (!Array.isArray(child)) problems.push(`${at}.${key}: not a list`);
        else child.forEach((item, i) => check(item, field.type, path, `${at}.${key}[${i}]`));
      } else {
        check(child, field.type, path, `${at}.${key}`);
      }
    }
  };
  check(value, 'Dashboard', ['google', 'monitoring', 'dashboard', 'v1'], 'dashboard');
  return problems;
}

// the filter reader itself
describe('the Logging filter reader (test/support/logQuery.ts)', () => {
  const entry = toLogEntry({ severity: 'WARNING', message: 'sweep finished', counts: { expired: 2 }, 'logging.googleapis.com/labels': { runwarden_audit: 'v1' } }, SERVICE);

  it.each<[string, boolean]>([
    ['jsonPayload.message="sweep finished"', true],
    ['jsonPayload.message="SWEEP FINISHED"', true],
    ['jsonPayload.message=("a" OR "sweep finished")', true],
    ['jsonPayload.message:"sweep"', true],
    ['jsonPayload.counts.expired >= 2 AND jsonPayload.counts.expired < 3', true],
    ['jsonPayload.counts.expired > 2', false],
    ['labels.runwarden_audit="v1" AND resource.type="cloud_run_revision"', true],
    ['severity>=WARNING', true],
    ['severity>=ERROR', false],
    ['NOT jsonPayload.message="sweep finished"', false],
    ['jsonPayload.missing="x"', false],
    ['resource.labels.service_name="other" OR jsonPayload.message="sweep finished" AND severity=WARNING', true],
  ])('%s → %s', (filter, expected) => {
    expect(matchesFilter(entry, filter)).toBe(expected);
  });

  it('throws on what it does not understand, instead of passing it', () => {
    expect(() => parseFilter('jsonPayload.message=~"sweep"')).toThrow();
    expect(() => parseFilter('jsonPayload.message=')).toThrow();
  });

  it('keeps message in jsonPayload and moves severity and labels out, as Cloud Run does', () => {
    expect(entry.jsonPayload).toEqual({ message: 'sweep finished', counts: { expired: 2 } });
    expect(entry.severity).toBe('WARNING');
    expect(entry.labels).toEqual({ runwarden_audit: 'v1' });
  });
});
