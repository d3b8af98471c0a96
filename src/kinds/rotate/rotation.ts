/**
 * `rotate`: rotation of a Cloud KMS key. Pure decisions: which keys may be
 * rotated, which services a rotation touches, and whether an interrupted
 * rotation already happened.
 */

export const ROTATABLE_PURPOSE = 'ENCRYPT_DECRYPT';

export function checkRotatable(key: { name: string; purpose: string }): { ok: true } | { ok: false; message: string } {
  if (key.purpose === ROTATABLE_PURPOSE) return { ok: true };
  return {
    ok: false,
    message: `${key.name} is a ${key.purpose} key: only symmetric encrypt/decrypt keys have a primary version and can be rotated (automatically or by runwarden).`,
  };
}

/** Services whose revision template uses this key as their CMEK. */
export function blastRadius(key: string, services: ReadonlyArray<{ name: string; encryptionKey?: string | undefined }>): string[] {
  return services
    .filter((s) => s.encryptionKey === key)
    .map((s) => s.name)
    .sort();
}

/**
 * A rotation retried after an interruption must not rotate twice: if the
 * primary version was created after the request was approved, that version
 * is the one this request made.
 */
export function alreadyRotated(primaryCreateTime: Date | undefined, approvedAt: Date | undefined): boolean {
  return primaryCreateTime !== undefined && approvedAt !== undefined && primaryCreateTime.getTime() >= approvedAt.getTime();
}
