/**
 * A RequestStore decorator: after each audit event is committed to Firestore
 * (create, or a transaction that appended an event — a transition or an
 * audited refusal), it writes that event's audit line (auditLog.ts). The one
 * place the audit export happens; wired around the Firestore store in
 * wiring.ts. Lines are written only after the commit, so a retried or failed
 * transaction writes none. Every other method is forwarded by name, so a new
 * store method does not compile here until someone decides whether it writes
 * audit events.
 */
import type { AccessRequest } from '../domain/request';
import type { RequestStore } from '../ports';
import type { AuditLog } from './auditLog';

export function withAuditLog(store: RequestStore, auditLog: AuditLog): RequestStore {
  return {
    get: (id) => store.get(id),
    events: (id) => store.events(id),
    listByStatus: (statuses) => store.listByStatus(statuses),
    listByRequester: (requester, statuses) => store.listByRequester(requester, statuses),
    listAwaitingReview: (page) => store.listAwaitingReview(page),
    markReviewDue: (limit) => store.markReviewDue(limit),
    page: (query) => store.page(query),
    count: (query) => store.count(query),
    listOutboxDue: (now, after) => store.listOutboxDue(now, after),
    recentByRequester: (query) => store.recentByRequester(query),
    countByRequester: (requester, statuses) => store.countByRequester(requester, statuses),
    listPendingExtensions: (limit) => store.listPendingExtensions(limit),
    async create(request, event) {
      await store.create(request, event);
      auditLog.record(request, event);
    },
    async transact(id, decide) {
      // the state the committed attempt decided on (Firestore may retry the function)
      let seen: AccessRequest | undefined;
      const outcome = await store.transact(id, (current) => {
        seen = current;
        return decide(current);
      });
      if (outcome.ok) {
        if (!outcome.unaudited) {
          auditLog.record(outcome.next, outcome.event);
          for (const event of outcome.then ?? []) auditLog.record(outcome.next, event);
        }
      } else if (outcome.record && seen) auditLog.record(seen, outcome.record);
      return outcome;
    },
    async transactEach(ids, decide) {
      // the states the committed attempt decided on, by id
      const seen = new Map<string, AccessRequest>();
      const outcomes = await store.transactEach(ids, (current) => {
        seen.set(current.id, current);
        return decide(current);
      });
      for (const [id, outcome] of outcomes) {
        if (outcome.ok) {
          if (!outcome.unaudited) {
            auditLog.record(outcome.next, outcome.event);
            for (const event of outcome.then ?? []) auditLog.record(outcome.next, event);
          }
        } else {
          const current = seen.get(id);
          if (outcome.record && current) auditLog.record(current, outcome.record);
        }
      }
      return outcomes;
    },
  };
}
