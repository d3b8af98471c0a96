/**
 * The audit export: the line's shape (src/app/auditLog.ts) and the log sink
 * of infra/audit.tf that routes exactly those lines to BigQuery.
 */
import { Writable } from 'node:stream';
import { auditLine, createAuditLog } from '../../../src/app/auditLog';
import type { AccessRequest, AuditEvent } from '../../../src/domain/request';
import { aRequest as requestFixture } from '../../fixtures/requests';
import { readTerraform, resolve } from '../../support/terraform';

const event: AuditEvent = { at: new Date('2026-11-22T21:00:00.000Z'), actor: 'U0BOB', action: 'approved', detail: { count: 1, required: 1 } };

describe('the audit line', () => {
  const request: AccessRequest = { ...requestFixture(), status: 'approved' };

  it('has the stable shape: request id, kind, action, category, actor, target, status, time, detail as a JSON string', () => {
    expect(auditLine(request, event)).toEqual({
      severity: 'NOTICE',
      message: `runwarden audit: approved ${request.id}`,
      auditSchema: 'runwarden.audit/v1',
      requestId: request.id,
      kind: request.kind,
      action: 'approved',
      category: 'history',
      actor: 'U0BOB',
      target: request.target,
      status: 'approved',
      time: '2026-11-22T21:00:00.000Z',
      requestAgeSeconds: Math.round((event.at.getTime() - request.createdAt.getTime()) / 1000),
      detail: '{"count":1,"required":1}',
      'logging.googleapis.com/labels': { runwarden_audit: 'v1' },
    });
  });

  it('is written as one JSON line, and a failing destination never throws', () => {
    const written: string[] = [];
    const destination = new Writable({
      write(chunk: Buffer, _encoding, done) {
        written.push(chunk.toString('utf8'));
        done();
      },
    });
    createAuditLog({ destination }).record(request, event);
    expect(written).toHaveLength(1);
    expect(written[0]?.endsWith('\n')).toBe(true);
    expect(JSON.parse(written[0] ?? '')).toMatchObject({ requestId: request.id, action: 'approved' });
    const broken = { write: (): boolean => { throw new Error('EPIPE'); } };
    expect(() => createAuditLog({ destination: broken }).record(request, event)).not.toThrow();
  });
});

describe('infra/audit.tf', () => {
  it('routes the lines carrying the audit label of the service to BigQuery, when a dataset is set', async () => {
    const tf = await readTerraform();
    const sink = tf.resources('google_logging_project_sink').runwarden_trail;
    const label = Object.entries(auditLine({ ...requestFixture() }, event)['logging.googleapis.com/labels'])[0];
    const filter = resolve(tf, String(sink?.filter));
    expect(filter).toContain(`labels.${label?.[0]}="${label?.[1]}"`);
    expect(filter).toContain('resource.type="cloud_run_revision"');
    expect(filter).toContain('resource.labels.service_name="runwarden"');
    expect(sink?.count).toContain('local.audit_export');
    expect(tf.variables().audit_dataset_id?.default).toBeNull();
  });

  it('routes the managed projects\' Admin Activity audit logs of SetIamPolicy to the same dataset', async () => {
    const tf = await readTerraform();
    const sink = tf.resources('google_logging_project_sink').managed_changes;
    expect(String(sink?.filter)).toContain('cloudaudit.googleapis.com%2Factivity');
    expect(String(sink?.filter)).toContain('SetIamPolicy');
    expect(sink?.destination).toBe(tf.resources('google_logging_project_sink').runwarden_trail?.destination);
  });
});
