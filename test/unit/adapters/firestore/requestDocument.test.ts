/**
 * The request converter is a discriminated union on `kind`: the fields every
 * request has, then the fields the kind's own module declares
 * (src/kinds/<kind>/record.ts), read with that kind's schema.
 */
import { Timestamp } from '@google-cloud/firestore';
import { parseDocument, toDocument } from '../../../../src/adapters/firestore/requestDocument';
import { aRequest, anEgressRequest, at } from '../../../fixtures/requests';

describe('request documents, one kind at a time', () => {
  it('reads back each kind’s own fields, Timestamps as dates', () => {
    const scheduled = aRequest({ startsAt: at('2026-12-01T09:00:00Z') });
    const stored = { ...toDocument(scheduled), startsAt: Timestamp.fromDate(at('2026-12-01T09:00:00Z')) };
    expect(parseDocument(scheduled.id, stored)).toEqual({ ok: true, request: scheduled });
    const egress = anEgressRequest({ previousValue: 'private-ranges-only' });
    expect(parseDocument(egress.id, toDocument(egress))).toEqual({ ok: true, request: egress });
  });

  it('reads back a deny or revoke reason, and refuses an empty or over-long one (issue 19)', () => {
    const denied = aRequest({ status: 'denied', decidedBy: 'U0BOB', decisionReason: 'too broad' });
    expect(parseDocument(denied.id, toDocument(denied))).toEqual({ ok: true, request: denied });
    for (const bad of ['', 'x'.repeat(501), 42])
      expect(parseDocument(denied.id, { ...toDocument(denied), decisionReason: bad })).toEqual({
        ok: false,
        problem: expect.stringMatching(/^decisionReason: /),
      });
    // the limit counts characters, not UTF-16 units: 500 emoji fit
    expect(parseDocument(denied.id, { ...toDocument(denied), decisionReason: '🙂'.repeat(500) }).ok).toBe(true);
  });

  it('keeps only the fields of the kind the document names', () => {
    const egress = anEgressRequest();
    const parsed = parseDocument(egress.id, {
      ...toDocument(egress),
      role: 'roles/run.admin',
      member: 'user:mallory@evil.example',
      rotationPeriodSeconds: 86_400,
    });
    expect(parsed.ok && parsed.request).toEqual(egress);
    expect(parsed.ok && Object.keys(parsed.request)).not.toEqual(expect.arrayContaining(['role', 'member', 'rotationPeriodSeconds']));
  });

  it('judges a kind’s own field by its kind’s schema, naming the field', () => {
    const rotation = aRequest({ id: 'k4n2w7rt', kind: 'rotate', role: undefined, member: undefined, durationSeconds: undefined });
    expect(parseDocument(rotation.id, { ...toDocument(rotation), rotationPeriodSeconds: -5 })).toEqual({
      ok: false,
      problem: expect.stringMatching(/^rotationPeriodSeconds: /),
    });
    expect(parseDocument('e5m3p8wz', { ...toDocument(anEgressRequest()), value: 42 })).toEqual({
      ok: false,
      problem: expect.stringMatching(/^value: /),
    });
  });

  it('refuses a kind that no module declares', () => {
    expect(parseDocument('x', { ...toDocument(aRequest()), kind: 'grant' })).toEqual({
      ok: false,
      problem: expect.stringMatching(/^kind: /),
    });
  });
});
