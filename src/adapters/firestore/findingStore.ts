/**
 * Firestore implementation of FindingStore (SPEC §11): collection `findings`
 * (document id = the finding's stable id, so a finding is never stored
 * twice), collection `postureScans` (one document per scan, ids sortable by
 * time) and the scan lease `postureState/scanLease`. Every change runs in a
 * transaction that reads what it changes; every read is bounded (pages of
 * PAGE documents through the shapes of queryShapes.ts).
 */
import type { DocumentReference, Firestore, QueryDocumentSnapshot } from '@google-cloud/firestore';
import { FINDING_KINDS, type Finding, type FindingDraft, type FindingKind } from '../../domain/posture/finding';
import type { FindingFilter, FindingStore, FindingsRecorded, MalformedDocument } from '../../ports';
import { findingToDocument, leaseDocument, parseFinding, parseScan, withoutUndefined } from './findingDocument';
import { buildQuery, type QueryName } from './queryShapes';

export const FINDINGS = 'findings';
export const SCANS = 'postureScans';
const STATE = 'postureState';
/** documents read or written per transaction */
const PAGE = 200;

export function zeroByKind(): Record<FindingKind, number> {
  return Object.fromEntries(FINDING_KINDS.map((kind) => [kind, 0])) as Record<FindingKind, number>;
}

/** Drafts of one page with the same id made one (a key protecting several services of the page: their services merged). */
export function mergeDrafts(drafts: readonly FindingDraft[]): FindingDraft[] {
  const byId = new Map<string, FindingDraft>();
  for (const draft of drafts) {
    const seen = byId.get(draft.id);
    byId.set(draft.id, seen ? merged(seen, draft) : draft);
  }
  return [...byId.values()];
}

function merged(a: FindingDraft, b: FindingDraft): FindingDraft {
  if (a.detail.kind !== 'key_rotation' || b.detail.kind !== 'key_rotation') return b;
  const services = [...new Set([...a.detail.services, ...b.detail.services])];
  return { ...b, detail: { ...b.detail, services: services.slice(0, 10), serviceCount: a.detail.serviceCount + b.detail.serviceCount } };
}

export function createFindingStore(deps: { firestore: Firestore }): FindingStore {
  const { firestore } = deps;
  const findings = firestore.collection(FINDINGS);
  const scans = firestore.collection(SCANS);
  const lease = firestore.collection(STATE).doc('scanLease');

  function filtered(filter: FindingFilter): { name: QueryName; values: unknown[] } {
    if ('scope' in filter) return { name: 'findingsOpenOfScopeBySeverity', values: ['open', filter.scope] };
    if ('project' in filter) return { name: 'findingsOpenOfProjectBySeverity', values: ['open', filter.project] };
    if ('resource' in filter) return { name: 'findingsOpenOfResourceBySeverity', values: ['open', filter.resource] };
    return { name: 'findingsOpenBySeverity', values: ['open'] };
  }

  function counted(filter: FindingFilter, kind: FindingKind): { name: QueryName; values: unknown[] } {
    if ('scope' in filter) return { name: 'findingsOpenOfKindInScope', values: ['open', kind, filter.scope] };
    if ('project' in filter) return { name: 'findingsOpenOfKindInProject', values: ['open', kind, filter.project] };
    if ('resource' in filter) return { name: 'findingsOpenOfKindOnResource', values: ['open', kind, filter.resource] };
    return { name: 'findingsOpenOfKind', values: ['open', kind] };
  }

  async function recordChunk(chunk: readonly FindingDraft[], seen: { scanId: string; scope: string; at: Date }): Promise<FindingsRecorded> {
    return firestore.runTransaction(async (tx) => {
      // reset on every attempt: Firestore retries this function on contention
      const result: FindingsRecorded = { created: [], reopened: [], updated: 0 };
      const refs = chunk.map((draft) => findings.doc(draft.id));
      const snapshots = await tx.getAll(...refs);
      chunk.forEach((draft, index) => {
        const snapshot = snapshots[index];
        const ref = refs[index] as DocumentReference;
        const existing = snapshot?.exists ? parseFinding(draft.id, snapshot.data()) : undefined;
        const base = { ...draft, scope: seen.scope, lastSeenAt: seen.at, scanId: seen.scanId };
        if (existing === undefined || !existing.ok) {
          // new, or a document that no longer validates: written afresh from what the scan saw
          tx.set(ref, findingToDocument({ ...base, status: 'open', firstSeenAt: seen.at }));
          result.created.push(draft);
          return;
        }
        const before = existing.finding;
        const detail = before.scanId === seen.scanId ? merged(before, draft).detail : draft.detail;
        const next: Finding = { ...before, ...base, detail, status: 'open', resolvedAt: undefined };
        if (before.status !== 'open') {
          next.reopenedAt = seen.at;
          result.reopened.push(draft);
        } else {
          result.updated += 1;
        }
        tx.set(ref, findingToDocument(next));
      });
      return result;
    });
  }

  return {
    async record(drafts, seen) {
      const total: FindingsRecorded = { created: [], reopened: [], updated: 0 };
      const unique = mergeDrafts(drafts);
      for (let start = 0; start < unique.length; start += PAGE) {
        const done = await recordChunk(unique.slice(start, start + PAGE), seen);
        total.created.push(...done.created);
        total.reopened.push(...done.reopened);
        total.updated += done.updated;
      }
      return total;
    },

    async resolveUnseen(scope, before, at) {
      const resolved = zeroByKind();
      const malformed: MalformedDocument[] = [];
      let after: unknown[] | undefined;
      for (;;) {
        const snapshot = await buildQuery(findings, 'findingsUnseenInScope', ['open', scope, before], { after, limit: PAGE }).get();
        const docs = snapshot.docs;
        if (docs.length === 0) break;
        const last = docs[docs.length - 1] as QueryDocumentSnapshot;
        // the raw values, so that a malformed document moves the cursor on too
        after = [last.get('lastSeenAt') as unknown, last.id];
        const changed = await firestore.runTransaction(async (tx) => {
          const byKind = zeroByKind();
          const bad: MalformedDocument[] = [];
          const snapshots = await tx.getAll(...docs.map((d) => d.ref));
          for (const current of snapshots) {
            const parsed = parseFinding(current.id, current.data());
            if (!parsed.ok) {
              if (current.exists) bad.push({ id: current.id, problem: parsed.problem });
              continue;
            }
            const finding = parsed.finding;
            // seen again since the query, or changed meanwhile: left as it is
            if (finding.status !== 'open' || finding.scope !== scope || finding.lastSeenAt.getTime() >= before.getTime()) continue;
            tx.set(current.ref, findingToDocument({ ...finding, status: 'resolved', resolvedAt: at }));
            byKind[finding.kind] += 1;
          }
          return { byKind, bad };
        });
        for (const kind of FINDING_KINDS) resolved[kind] += changed.byKind[kind];
        malformed.push(...changed.bad);
        if (docs.length < PAGE) break;
      }
      return { resolved, malformed };
    },

    async get(id) {
      const snapshot = await findings.doc(id).get();
      if (!snapshot.exists) return undefined;
      const parsed = parseFinding(id, snapshot.data());
      return parsed.ok ? parsed.finding : undefined;
    },

    async markConverted(id, requestId, at) {
      return firestore.runTransaction(async (tx) => {
        const ref = findings.doc(id);
        const parsed = parseFinding(id, (await tx.get(ref)).data());
        if (!parsed.ok) return false;
        if (parsed.finding.status === 'converted' && parsed.finding.convertedBy === requestId) return true;
        tx.set(ref, findingToDocument({ ...parsed.finding, status: 'converted', convertedBy: requestId, resolvedAt: at }));
        return true;
      });
    },

    async countOpen(filter) {
      const counts = await Promise.all(
        FINDING_KINDS.map(async (kind) => {
          const { name, values } = counted(filter, kind);
          return [kind, (await buildQuery(findings, name, values).count().get()).data().count] as const;
        }),
      );
      return Object.fromEntries(counts) as Record<FindingKind, number>;
    },

    async listOpen(filter, limit) {
      const { name, values } = filtered(filter);
      const snapshot = await buildQuery(findings, name, values, { limit }).get();
      const result: { findings: Finding[]; malformed: MalformedDocument[] } = { findings: [], malformed: [] };
      for (const doc of snapshot.docs) {
        const parsed = parseFinding(doc.id, doc.data());
        if (parsed.ok) result.findings.push(parsed.finding);
        else result.malformed.push({ id: doc.id, problem: parsed.problem });
      }
      return result;
    },

    async acquireScanLease(holder, until, now) {
      return firestore.runTransaction(async (tx) => {
        const snapshot = await tx.get(lease);
        const current = leaseDocument.safeParse(snapshot.data());
        if (current.success && current.data.holder !== holder && current.data.until.getTime() > now.getTime()) {
          return { ok: false as const, holder: current.data.holder, until: current.data.until };
        }
        tx.set(lease, { holder, until });
        return { ok: true as const };
      });
    },

    async releaseScanLease(holder) {
      await firestore.runTransaction(async (tx) => {
        const snapshot = await tx.get(lease);
        if (snapshot.get('holder') === holder) tx.delete(lease);
      });
    },

    async saveScan(scan) {
      const { id, ...rest } = scan;
      await scans.doc(id).set(withoutUndefined(rest) as Record<string, unknown>);
    },

    async scanFinishedBy(at) {
      const snapshot = await buildQuery(scans, 'postureScansFinishedBy', [at]).get();
      const doc = snapshot.docs[0];
      return doc ? parseScan(doc.id, doc.data()) : undefined;
    },

    async owedSummaries(limit) {
      const snapshot = await buildQuery(scans, 'postureScansSummaryOwed', ['owed'], { limit }).get();
      return snapshot.docs
        .flatMap((doc) => parseScan(doc.id, doc.data()) ?? [])
        .sort((a, b) => a.finishedAt.getTime() - b.finishedAt.getTime());
    },

    async settleSummary(scanId, summary, expected) {
      return firestore.runTransaction(async (tx) => {
        const ref = scans.doc(scanId);
        const snapshot = await tx.get(ref);
        if (snapshot.get('summary.status') !== expected) return false;
        tx.update(ref, { summary: withoutUndefined(summary) });
        return true;
      });
    },
  };
}
