/**
 * Helpers for modal submissions: reading an input's value out of a view's
 * `state.values` (Slack's view_submission payload), and waiting for work no
 * longer than Slack lets a view_submission's acknowledgement wait.
 */
import { z } from 'zod';

const stateValues = z.object({
  values: z.record(
    z.string(),
    z.record(
      z.string(),
      z.looseObject({
        value: z.string().nullish(),
        selected_option: z.object({ value: z.string() }).nullish(),
      }),
    ),
  ),
});

/** The typed text or the selected option's value of `blockId`/`actionId`, or undefined when empty. */
export function inputValue(state: unknown, blockId: string, actionId: string): string | undefined {
  const parsed = stateValues.safeParse(state);
  if (!parsed.success) return undefined;
  const element = parsed.data.values[blockId]?.[actionId];
  const value = element?.value ?? element?.selected_option?.value ?? undefined;
  return value === undefined || value.trim() === '' ? undefined : value;
}

/** Slack allows 3 s for a view_submission's answer; we wait at most this long for work before closing the modal. */
export const ACK_BUDGET_MS = 2_000;

/** The work's result if it settles within the budget, else undefined (the work keeps running). */
export async function withinAck<T>(work: Promise<T>, budgetMs = ACK_BUDGET_MS): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), budgetMs)));
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}
