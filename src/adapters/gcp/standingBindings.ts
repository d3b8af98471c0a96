/**
 * StandingBindingsPort on a Cloud Run service's IAM policy (Admin API v2): the
 * one write of a posture conversion (SPEC §11). It removes exactly the
 * scanned members from the unconditional binding of one role — and only when
 * that binding still has exactly the members the scan saw (the approvers
 * approved removing them from THAT binding); otherwise nothing is written.
 *
 * A read-modify-write like every IAM change runwarden makes: read version 3,
 * change that one binding (dropped when it empties), send every other binding
 * back exactly as read, in its order, write version 3 with the read etag; on a
 * concurrent write the whole read-modify-write is redone (readModifyWrite.ts).
 * Idempotent: a retry after an interrupted write finds the binding already
 * without those members and writes nothing.
 */
import type { protos } from '@google-cloud/run';
import { z } from 'zod';
import type { StandingBindingsPort } from '../../ports';
import type { IamPolicyClient } from './runIamPolicy';
import { retryOptions, withEtagRetry, type RetryDeps } from './readModifyWrite';

type Binding = protos.google.iam.v1.IBinding;

export interface StandingBindingsDeps extends RetryDeps {
  client: IamPolicyClient;
  /** deadline of each RPC, retries included (gax `timeout`; default 30 000 ms) */
  callTimeoutMs?: number | undefined;
}

const policySchema = z.object({
  etag: z.union([z.instanceof(Uint8Array), z.string()]).nullish(),
  bindings: z.array(z.object({ role: z.string(), members: z.array(z.string()).nullish(), condition: z.unknown().nullish() })).nullish(),
});

const sorted = (members: readonly string[]): string[] => [...new Set(members)].sort();
const same = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && a.every((m, i) => m === b[i]);

export function createStandingBindings(deps: StandingBindingsDeps): StandingBindingsPort {
  const { client } = deps;
  const retry = retryOptions(deps);
  const call = { timeout: deps.callTimeoutMs ?? 30_000 };

  return {
    removeMembers(resource, change, beforeWrite) {
      const what = `the IAM policy of Cloud Run service ${resource}`;
      const expected = sorted(change.expected);
      const after = expected.filter((m) => !change.members.includes(m));
      return withEtagRetry(what, retry, async () => {
        const [policy] = await client.getIamPolicy({ resource, options: { requestedPolicyVersion: 3 } }, call);
        const parsed = policySchema.parse(policy);
        const raw: Binding[] = policy.bindings ?? [];
        const standing = (parsed.bindings ?? []).flatMap((b, index) =>
          b.role === change.role && (b.condition === undefined || b.condition === null) ? [index] : [],
        );
        // IAM merges bindings of one role and condition: more than one standing binding of the role is not what was scanned
        if (standing.length > 1)
          return { type: 'changed' as const, found: sorted(standing.flatMap((i) => parsed.bindings?.[i]?.members ?? [])) };
        const index = standing[0];
        const current = index === undefined ? undefined : sorted(parsed.bindings?.[index]?.members ?? []);
        if (current === undefined ? after.length === 0 : same(current, after)) return { type: 'already_removed' as const };
        if (current === undefined || !same(current, expected)) return { type: 'changed' as const, found: current };
        const next = raw.flatMap((binding, i) => {
          if (i !== index) return [binding];
          const members = (binding.members ?? []).filter((m) => !change.members.includes(m));
          return members.length === 0 ? [] : [{ ...binding, members }];
        });
        await beforeWrite();
        await client.setIamPolicy({ resource, policy: { version: 3, bindings: next, etag: parsed.etag ?? null } }, call);
        return { type: 'removed' as const };
      });
    },
  };
}
