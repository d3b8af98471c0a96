/**
 * Writes that landed after this process had lost its lease (they were in
 * flight while another process took the request over, or the request moved
 * on): taken back unless the record now owns them, and recorded. The
 * runner calls these when the record refuses the outcome of its own Google
 * work (src/app/runner.ts, src/app/effects/*).
 */
import { asWardenError } from '../domain/errors';
import type { AccessRequest } from '../domain/request';
import { transition } from '../domain/stateMachine';
import type { Applied, Guard, KindEffects } from '../kinds/kind';
import type { AppDeps } from './deps';

/**
 * The check before undoing a write that landed after this process lost its
 * lease: there is no lease left to hold; the record, read just before, says
 * the write is not its own (each kind's `undo` decides from it).
 */
const noLeaseLeft: Guard = async () => undefined;

export function createLateWrites(deps: Pick<AppDeps, 'store' | 'clock' | 'logger'>, kinds: Record<AccessRequest['kind'], KindEffects>) {
  const { store, clock, logger } = deps;

  /** The apply's write landed after the state moved on (the lease lapsed while it was in flight): take it back. */
  async function undoLateWrite(request: AccessRequest, applied: Applied): Promise<void> {
    const log = logger.child({ requestId: request.id });
    try {
      const current = await store.get(request.id);
      const undone = await kinds[request.kind].undo(request, applied, current, noLeaseLeft);
      if (!undone) {
        log.warn('a late apply finished after the lease was lost; nothing of it needed undoing', { status: current?.status, wrote: applied.wrote });
        return;
      }
      log.warn('a late apply landed after the lease was lost and was undone', undone);
      await store.transact(request.id, (now) => transition(now, { type: 'late_write_undone', detail: undone }, clock.now()));
    } catch (error) {
      log.error('a late apply could not be undone; check the resource by hand', { error: asWardenError(error).operatorMessage, result: applied.result });
    }
  }

  /** The extension's write landed after this process lost its lease: put the recorded expiry back unless the record adopted it. */
  async function undoLateExtension(request: AccessRequest, written: Date): Promise<void> {
    const log = logger.child({ requestId: request.id });
    try {
      const current = await store.get(request.id);
      if (!request.expiresAt || current?.expiresAt?.getTime() === written.getTime()) return;
      await kinds[request.kind].extend({ ...request, expiresAt: written }, request.expiresAt, noLeaseLeft);
      log.warn('a late extension landed after the lease was lost and was undone', { expiresAt: request.expiresAt.toISOString() });
    } catch (error) {
      log.error('a late extension could not be undone; check the binding by hand', { error: asWardenError(error).operatorMessage });
    }
  }

  return { undoLateWrite, undoLateExtension };
}

export type LateWrites = ReturnType<typeof createLateWrites>;
