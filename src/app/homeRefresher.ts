/**
 * Keeps App Home current: after every transition of a request, its
 * requester's Home tab is published again; when what waits for approvers
 * changed (a request entered or left `pending`, an extension was asked for
 * or decided), theirs too — the approver group is resolved once, as for a
 * reminder. Best effort: a failed publish is logged and never undoes anything.
 *
 * Nothing waits for it: `afterTransition` starts the refresh in the
 * background (`background`: tracked, so a graceful stop lets it finish) and
 * returns at once, so neither a reply to Slack nor the runner's next step
 * waits for App Home; the publishes go through `publish`, which the wiring
 * coalesces per user and bounds (homePublisher.ts).
 *
 * Inside `collecting` (the sweep) nothing is published at once: the users
 * whose Home the transitions concern are gathered, each once however many of
 * their requests changed, and the caller publishes them at the end (so a
 * sweep that ends N grants of one user publishes that user's Home once, not N
 * times). The collection is found through an AsyncLocalStorage context: a
 * click handled meanwhile, in its own context, still refreshes at once.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { approverIds, groupsToGather } from '../domain/authority/facts';
import { findRule } from '../domain/authority/standing';
import type { AccessRequest } from '../domain/request';
import type { AppDeps } from './deps';
import { resolveGroups } from './resolveGroups';

export interface HomeRefresher {
  /**
   * After a committed transition from `before` to `next`. Outside a
   * collection the refresh is started in the background and this resolves
   * at once; inside one, once the users concerned are collected.
   */
  afterTransition(before: AccessRequest | undefined, next: AccessRequest): Promise<void>;
  /**
   * Runs `work`; the Home tabs its transitions concern are collected instead
   * of published, and returned (each user once) for the caller to publish.
   */
  collecting<T>(work: () => Promise<T>): Promise<{ result: T; users: Set<string> }>;
  /** publishes one user's Home now (best effort: never throws) */
  publish(user: string): Promise<void>;
}

interface Collection {
  users: Set<string>;
  /** approvers by rule and approver group, looked up once per collection */
  approvers: Map<string, Promise<string[]>>;
}

function extensionState(request: AccessRequest | undefined): string {
  return (request?.extensions ?? []).map((e) => `${e.n}:${e.status}:${e.approvals.length}`).join(',');
}

/**
 * `publish` publishes one user's Home (best effort); `background` runs work
 * nobody waits for (default: as is — the wiring passes `inflight.track`).
 */
export function createHomeRefresher(
  deps: AppDeps,
  publish: (user: string) => Promise<void>,
  background: <A extends unknown[]>(work: (...args: A) => Promise<void>) => (...args: A) => Promise<void> = (work) => work,
): HomeRefresher {
  const collections = new AsyncLocalStorage<Collection>();

  async function approversOf(request: AccessRequest): Promise<string[]> {
    const policy = deps.policy();
    const rule = findRule(policy, request.kind, request.target)?.rule;
    const groups = await resolveGroups(deps.directory, groupsToGather(policy, rule));
    return approverIds(policy, request.approverGroup, groups);
  }

  /** The rule's approvers; within a collection each rule's (per approver group) are looked up once. */
  function approversCached(request: AccessRequest, collection: Collection | undefined): Promise<string[]> {
    if (!collection) return approversOf(request);
    const key = `${request.kind}\u0000${request.target}\u0000${request.approverGroup}`;
    let found = collection.approvers.get(key);
    if (!found) {
      found = approversOf(request);
      found.catch(() => collection.approvers.delete(key));
      collection.approvers.set(key, found);
    }
    return found;
  }

  /** Whose Home a transition concerns: the requester's, and the approvers' when what waits for them changed. Never throws (logged). */
  async function concerned(
    before: AccessRequest | undefined,
    next: AccessRequest,
    collection: Collection | undefined,
  ): Promise<Set<string>> {
    const users = new Set<string>([next.requester]);
    const pendingChanged =
      (before?.status === 'pending') !== (next.status === 'pending') || before?.approvals.length !== next.approvals.length;
    if (pendingChanged || extensionState(before) !== extensionState(next)) {
      try {
        for (const u of await approversCached(next, collection)) if (u !== next.requester) users.add(u);
        // a step that moved on: the previous step's approvers no longer have it waiting for them
        if (before !== undefined && before.approverGroup !== next.approverGroup) {
          for (const u of await approversCached(before, collection)) if (u !== next.requester) users.add(u);
        }
      } catch (error) {
        deps.logger.warn("could not refresh the approvers' App Home", {
          requestId: next.id,
          error: error instanceof Error ? error.message : String(error),
        });
      }
    }
    return users;
  }

  const refresh = background(async (before: AccessRequest | undefined, next: AccessRequest): Promise<void> => {
    const users = await concerned(before, next, undefined);
    await Promise.all([...users].map((user) => publish(user)));
  });

  return {
    async afterTransition(before, next) {
      const collection = collections.getStore();
      if (collection) {
        for (const user of await concerned(before, next, collection)) collection.users.add(user);
        return;
      }
      void refresh(before, next).catch((error: unknown) =>
        deps.logger.warn('could not refresh App Home', {
          requestId: next.id,
          error: error instanceof Error ? error.message : String(error),
        }),
      );
    },

    async collecting(work) {
      const collection: Collection = { users: new Set(), approvers: new Map() };
      const result = await collections.run(collection, work);
      return { result, users: collection.users };
    },

    publish,
  };
}
