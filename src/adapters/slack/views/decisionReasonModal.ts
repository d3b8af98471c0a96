/**
 * The small modal of "Deny with reason…", "Revoke with reason…" and "End with
 * reason…": one optional Reason (at most 500 characters) that the requester is
 * shown. Opened before the request is read (the click's trigger_id lives 3 s),
 * so it is a pure function of what the button carried; the submission decides
 * through the same use case, and the same authority re-check, as the click on
 * Deny / Revoke now / End now.
 */
import { z } from 'zod';
import type { SlackSurface } from '../../../ports';
import { DECISION_REASON_MAX_LENGTH } from '../../../domain/grammar/args';
import { DECISION_REASON_BLOCK, DECISION_REASON_VIEW } from '../ids';
import { type Button, LIMITS, plain } from './format';

/** The action id of the Reason input inside its block. */
export const REASON_INPUT_ACTION = 'value';

/** What the modal decides: a request's deny or revoke, or an extension's deny (`ref` = `<id>.<n>`). */
export const reasonedDecision = z.discriminatedUnion('decision', [
  z.object({ decision: z.literal('deny'), ref: z.string().min(1).max(100) }),
  z.object({ decision: z.literal('revoke'), ref: z.string().min(1).max(100) }),
  z.object({ decision: z.literal('deny_extension'), ref: z.string().min(1).max(100) }),
]);
export type ReasonedDecision = z.output<typeof reasonedDecision>;

const WORDS: Record<ReasonedDecision['decision'], { title: string; submit: string; what: (ref: string) => string }> = {
  deny: { title: 'Deny request', submit: 'Deny', what: (ref) => `Deny request \`${ref}\`: it ends, and nothing is changed.` },
  revoke: {
    title: 'Revoke request',
    submit: 'Revoke now',
    what: (ref) => `Revoke request \`${ref}\` now: the access or change it granted is undone instead of at its expiry.`,
  },
  deny_extension: {
    title: 'Deny extension',
    submit: 'Deny',
    what: (ref) => `Deny extension \`${ref}\`: the grant keeps its current end.`,
  },
};

export function decisionReasonModal(decided: ReasonedDecision): SlackSurface {
  const words = WORDS[decided.decision];
  return {
    type: 'modal',
    callback_id: DECISION_REASON_VIEW,
    private_metadata: JSON.stringify(decided),
    title: plain(words.title, 24),
    submit: plain(words.submit, 24),
    close: plain('Cancel', 24),
    blocks: [
      {
        type: 'section',
        text: { type: 'mrkdwn', text: `${words.what(decided.ref)} The requester is told, with your reason if you give one.` },
      },
      {
        type: 'input',
        block_id: DECISION_REASON_BLOCK,
        optional: true,
        label: plain('Reason', 2000),
        hint: plain('Optional. Shown to the requester, in the channel message and in status.', 2000),
        element: {
          type: 'plain_text_input',
          action_id: REASON_INPUT_ACTION,
          multiline: true,
          max_length: DECISION_REASON_MAX_LENGTH,
        },
      },
    ],
  };
}

/** A button that opens this modal; the modal is its confirmation (no confirm dialog). */
export function reasonButton(actionId: string, text: string, value: string): Button {
  return { type: 'button', action_id: actionId, text: plain(text, LIMITS.buttonText), value };
}
