/**
 * Writes that landed after this process had lost its lease (they were in
 * flight while another process took the request over, or the request moved
 * on): taken back unless the record now owns them, and recorded
 * (`late_write_undone`). The runner calls these when the record refuses the
 * outcome of its own Google work (src/app/runner.ts, src/app/effects/*).
 *
 * A process that dies with its write in flight calls nothing: that write is
 * recorded (`writing`, under the lease, before it was made), and whoever
 * takes the request over recognises it as runwarden's own — a retried apply
 * or extension adopts it, the revert removes it, the drift check does not
 * call it drift (src/kinds/<kind>/effects.ts).
 */
import { ErrorCode, WardenError, asWardenError } from '../domain/errors';
import type { AccessRequest } from '../domain/request';
import { transition } from '../domain/stateMachine';
import type { Applied, Guard, KindEffects } from '../kinds/kind';
import type { AppDeps } from './deps';

export function createLateWrites(deps: Pick<AppDeps, 'store' | 'clock' | 'logger'>, kinds: Record<AccessRequest['kind'], KindEffects>) {
  const { store, clock, logger } = deps;

  /**
   * The check before undoing a late write: there is no lease left to hold, so
   * the record is read again right before the write and must still say what
   * the decision to undo was made on (`seen`, undefined: no record) — the
   * same status, expiry and work under way (Slack bookkeeping may have
   * happened meanwhile). Changed, whoever changed it owns the request and the
   * write: the undo stops (runwarden_lease_lost) and writes nothing.
   */
  function recordUnchanged(id: string, seen: AccessRequest | undefined): Guard {
    return async (call) => {
      if (sameState(await store.get(id), seen)) return;
      throw new WardenError(
        ErrorCode.LeaseLost,
        `Request \`${id}\` changed meanwhile; runwarden left its late write to it.`,
        `record of ${id} changed before ${call} undoing a late write`,
      );
    };
  }

  async function record(id: string, detail: Record<string, string>): Promise<void> {
    await store.transact(id, (now) => transition(now, { type: 'late_write_undone', detail }, clock.now()));
  }

  /** The apply's write landed after the state moved on (the lease lapsed while it was in flight): take it back. */
  async function undoLateWrite(request: AccessRequest, applied: Applied): Promise<void> {
    const log = logger.child({ requestId: request.id });
    try {
      const current = await store.get(request.id);
      const undone = await kinds[request.kind].undo(request, applied, current, recordUnchanged(request.id, current));
      if (!undone) {
        log.warn('a late apply finished after the lease was lost; nothing of it needed undoing', {
          status: current?.status,
          wrote: applied.wrote,
        });
        return;
      }
      log.warn('a late apply landed after the lease was lost and was undone', undone);
      await record(request.id, undone);
    } catch (error) {
      const failure = asWardenError(error);
      if (failure.code === ErrorCode.LeaseLost)
        return log.warn('a late apply was left to the process that changed the request meanwhile', { error: failure.operatorMessage });
      log.error('a late apply could not be undone; check the resource by hand', { error: failure.operatorMessage, result: applied.result });
    }
  }

  /**
   * The extension's write (the change now ends at `written`) landed after
   * this process lost its lease, and the record refused its outcome. The
   * record as it is now decides: it adopted that end (another instance
   * finished the extension), or someone works on the request (an extension
   * retried, a revert under way — each recognises the write by `writing`) →
   * nothing; the grant goes on, nobody working on it (the extension lapsed or
   * failed) → its recorded end is put back; the grant has ended → what the
   * late write left is removed. Recorded `late_write_undone`.
   */
  async function undoLateExtension(request: AccessRequest, written: Date): Promise<void> {
    const log = logger.child({ requestId: request.id });
    try {
      const current = await store.get(request.id);
      if (!current) return;
      if (current.status === 'active' && current.expiresAt?.getTime() === written.getTime()) return;
      if (current.status === 'active' && current.op) {
        log.warn('a late extension landed after the lease was lost; left to the work under way, which recognises it', {
          op: current.op.type,
          holder: current.op.holder,
        });
        return;
      }
      const undone = await kinds[request.kind].undoExtension(request, written, current, recordUnchanged(request.id, current));
      if (!undone) {
        log.warn('a late extension finished after the lease was lost; nothing of it needed undoing', {
          status: current.status,
          written: written.toISOString(),
        });
        return;
      }
      log.warn('a late extension landed after the lease was lost and was undone', { ...undone, written: written.toISOString() });
      await record(request.id, { ...undone, extendedTo: written.toISOString() });
    } catch (error) {
      const failure = asWardenError(error);
      if (failure.code === ErrorCode.LeaseLost)
        return log.warn('a late extension was left to the process that changed the request meanwhile', { error: failure.operatorMessage });
      log.error('a late extension could not be undone; check the binding by hand', {
        error: failure.operatorMessage,
        written: written.toISOString(),
      });
    }
  }

  return { undoLateWrite, undoLateExtension };
}

/** Whether two reads of a request say the same about what Google should show: status, expiry, the work under way. */
function sameState(a: AccessRequest | undefined, b: AccessRequest | undefined): boolean {
  if (!a || !b) return a === b;
  return (
    a.status === b.status && a.expiresAt?.getTime() === b.expiresAt?.getTime() && a.op?.type === b.op?.type && a.op?.holder === b.op?.holder
  );
}

export type LateWrites = ReturnType<typeof createLateWrites>;
