/**
 * IamPolicyPort on a Cloud Run service's IAM policy (Admin API v2).
 *
 * Every change is a read-modify-write: read the policy as version 3, change
 * only runwarden's own binding (recognised by its condition title), write it
 * back as version 3 with the etag that was read. When someone else wrote in
 * between, Google answers ABORTED (or FAILED_PRECONDITION about the etag), and
 * the WHOLE read-modify-write is redone with jittered exponential backoff.
 * Other bindings are sent back exactly as read, in their order.
 *
 * It touches runwarden's own bindings only: a binding to add, replace or
 * remove whose condition title is not `runwarden-<request id>` is refused
 * before anything is read (a removal in a batch is answered with that
 * refusal, the others go on). Every write runs its lease check
 * (`beforeWrite`, required) right before the SetIamPolicy.
 */
import type { protos } from '@google-cloud/run';
import { z } from 'zod';
import { ErrorCode, WardenError } from '../../domain/errors';
import { isRunwardenTitle } from '../../domain/iamCondition';
import { sameBinding } from '../../domain/ownBinding';
import type { IamBinding, IamCondition } from '../../domain/iamBinding';
import type { IamPolicyPort, RemovalResult } from '../../ports';
import { toWardenError } from './grpcErrors';
import { retryOptions, withEtagRetry, type RetryDeps } from './readModifyWrite';

type Policy = protos.google.iam.v1.IPolicy;
type Binding = protos.google.iam.v1.IBinding;

/** The part of ServicesClient this adapter uses. */
export interface IamPolicyClient {
  getIamPolicy(request: protos.google.iam.v1.IGetIamPolicyRequest, options?: { timeout?: number }): Promise<[Policy, ...unknown[]]>;
  setIamPolicy(request: protos.google.iam.v1.ISetIamPolicyRequest, options?: { timeout?: number }): Promise<[Policy, ...unknown[]]>;
}

export interface RunIamPolicyDeps extends RetryDeps {
  client: IamPolicyClient;
  /** deadline of each RPC, retries included (gax `timeout`; default 30 000 ms) */
  callTimeoutMs?: number | undefined;
}

const exprSchema = z.object({
  title: z.string().nullish(),
  description: z.string().nullish(),
  expression: z.string().nullish(),
});
const policySchema = z.object({
  version: z.number().nullish(),
  etag: z.union([z.instanceof(Uint8Array), z.string()]).nullish(),
  bindings: z.array(z.object({ role: z.string(), members: z.array(z.string()).nullish(), condition: exprSchema.nullish() })).nullish(),
});

interface ReadPolicy {
  etag: Uint8Array | string | undefined;
  /** the bindings exactly as Google sent them */
  raw: Binding[];
  bindings: IamBinding[];
}

export function createRunIamPolicy(deps: RunIamPolicyDeps): IamPolicyPort {
  const { client } = deps;
  const retry = retryOptions(deps);
  const what = (resource: string): string => `the IAM policy of Cloud Run service ${resource}`;
  const call = { timeout: deps.callTimeoutMs ?? 30_000 };

  async function read(resource: string): Promise<ReadPolicy> {
    const [policy] = await client.getIamPolicy({ resource, options: { requestedPolicyVersion: 3 } }, call);
    const parsed = policySchema.parse(policy);
    return {
      etag: parsed.etag ?? undefined,
      raw: policy.bindings ?? [],
      bindings: (parsed.bindings ?? []).map((b) => ({
        role: b.role,
        members: b.members ?? [],
        condition: b.condition
          ? {
              title: b.condition.title ?? '',
              description: b.condition.description ?? '',
              expression: b.condition.expression ?? '',
            }
          : undefined,
      })),
    };
  }

  async function write(resource: string, etag: ReadPolicy['etag'], bindings: Binding[]): Promise<void> {
    await client.setIamPolicy({ resource, policy: { version: 3, bindings, etag: etag ?? null } }, call);
  }

  const port: IamPolicyPort = {
    async addBinding(resource, binding, beforeWrite) {
      const condition = ownCondition(binding, 'add');
      return withEtagRetry(what(resource), retry, async () => {
        const current = await read(resource);
        const found = current.bindings.find((b) => b.condition?.title === condition.title);
        if (found) return sameBinding(found, binding) ? { type: 'present' as const } : { type: 'foreign' as const, found };
        const ours: Binding = {
          role: binding.role,
          members: [...binding.members],
          condition: { title: condition.title, description: condition.description, expression: condition.expression },
        };
        await beforeWrite();
        await write(resource, current.etag, [...current.raw, ours]);
        return { type: 'added' as const };
      });
    },

    async replaceBinding(resource, from, to, beforeWrite) {
      const { title } = ownCondition(to, 'write');
      if (ownCondition(from, 'replace').title !== title) {
        throw new WardenError(ErrorCode.Precondition, 'runwarden only replaces its IAM binding by one with the same title.');
      }
      return withEtagRetry(what(resource), retry, async () => {
        const current = await read(resource);
        const at = current.bindings.findIndex((b) => b.condition?.title === title);
        const found = current.bindings[at];
        if (!found) return { type: 'absent' as const };
        if (sameBinding(found, to)) return { type: 'present' as const };
        if (!sameBinding(found, from)) return { type: 'foreign' as const, found };
        const ours: Binding = {
          role: to.role,
          members: [...to.members],
          condition: { title, description: to.condition?.description ?? '', expression: to.condition?.expression ?? '' },
        };
        await beforeWrite();
        // One SetIamPolicy: the binding is swapped in place, never absent and never doubled.
        await write(
          resource,
          current.etag,
          current.raw.map((raw, i) => (i === at ? ours : raw)),
        );
        return { type: 'replaced' as const };
      });
    },

    async removeBinding(resource, binding, beforeWrite) {
      const [result] = await port.removeBindings(resource, [{ binding, beforeWrite }]);
      if (!result) throw new WardenError(ErrorCode.Unknown, 'runwarden lost track of a binding removal.');
      if (!result.ok) throw result.error;
      return result.change;
    },

    async removeBindings(resource, removals) {
      // A binding that is not runwarden's is refused at once, and a lease check that failed stays failed:
      // either way that removal is out of every attempt.
      const refused = new Map<number, unknown>();
      removals.forEach((removal, i) => {
        try {
          ownCondition(removal.binding, 'remove');
        } catch (error) {
          refused.set(i, error);
        }
      });
      if (refused.size === removals.length) return removals.map((_, i): RemovalResult => ({ ok: false, error: refused.get(i) }));
      return withEtagRetry(what(resource), retry, async () => {
        const current = await read(resource);
        const removing: boolean[] = [];
        const results: RemovalResult[] = removals.map((removal, i): RemovalResult => {
          if (refused.has(i)) return { ok: false, error: refused.get(i) };
          const title = removal.binding.condition?.title;
          const titled = current.bindings.filter((b) => b.condition?.title === title);
          const foreign = titled.find((b) => !sameBinding(b, removal.binding));
          if (titled.length === 0) return { ok: true, change: { type: 'absent' } };
          if (foreign) return { ok: true, change: { type: 'foreign', found: foreign } };
          removing[i] = true;
          return { ok: true, change: { type: 'removed' } };
        });
        // Each removal's own lease check, right before the one write; a lost lease leaves that binding alone.
        await Promise.all(
          removals.map(async (removal, i) => {
            if (!removing[i]) return;
            try {
              await removal.beforeWrite();
            } catch (error) {
              refused.set(i, error);
              removing[i] = false;
              results[i] = { ok: false, error };
            }
          }),
        );
        const titles = new Set(removals.flatMap((removal, i) => (removing[i] ? [removal.binding.condition?.title] : [])));
        if (titles.size === 0) return results;
        const kept = current.raw.filter((_, i) => !titles.has(current.bindings[i]?.condition?.title));
        await write(resource, current.etag, kept);
        return results;
      });
    },

    async getBindings(resource) {
      try {
        return (await read(resource)).bindings;
      } catch (error) {
        throw toWardenError(error, what(resource));
      }
    },
  };
  return port;
}

/**
 * The condition of a binding runwarden may touch: titled `runwarden-<request
 * id>` (iamCondition.ts). Anything else — no condition, another title — is
 * someone else's binding and is refused with runwarden_precondition_failed.
 */
function ownCondition(binding: IamBinding, verb: 'add' | 'write' | 'replace' | 'remove'): IamCondition {
  const condition = binding.condition;
  if (condition && isRunwardenTitle(condition.title)) return condition;
  const title = condition ? `titled ${JSON.stringify(condition.title)}` : 'without a condition';
  throw new WardenError(
    ErrorCode.Precondition,
    'runwarden only changes its own IAM bindings (condition title runwarden-<request id>); it changed nothing.',
    `refused to ${verb} an IAM binding ${title} (${binding.role}): runwarden touches only bindings titled runwarden-<request id>`,
  );
}
