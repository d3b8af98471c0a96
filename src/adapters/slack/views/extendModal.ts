/**
 * The small modal the **Extend** button opens (App Home, expiry warning):
 * Duration and Reason, submitted as `/warden extend <id> <duration> <reason…>`
 * would be. Opened before the request is read (the trigger_id lives 3 s), so
 * it is a pure function of the request id.
 */
import type { SlackSurface } from '../../../ports';
import { EXTEND_DURATION_BLOCK, EXTEND_REASON_BLOCK, EXTEND_VIEW } from '../ids';
import { plain } from './format';

/** The action id of the single input inside each input block. */
export const INPUT_ACTION = 'value';

export function extendModal(requestId: string): SlackSurface {
  return {
    type: 'modal',
    callback_id: EXTEND_VIEW,
    private_metadata: requestId,
    title: plain('Extend', 24),
    submit: plain('Ask for approval', 24),
    close: plain('Cancel', 24),
    blocks: [
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          text: `More time for request \`${requestId}\`. It is decided by the request's approvers, like the request itself.`,
        },
      },
      {
        type: 'input',
        block_id: EXTEND_DURATION_BLOCK,
        label: plain('Duration', 2000),
        hint: plain('How much longer: 30m, 2h, 1h30m.', 2000),
        element: { type: 'plain_text_input', action_id: INPUT_ACTION, placeholder: plain('1h', 150), max_length: 20 },
      },
      {
        type: 'input',
        block_id: EXTEND_REASON_BLOCK,
        label: plain('Reason', 2000),
        element: { type: 'plain_text_input', action_id: INPUT_ACTION, multiline: true, max_length: 500 },
      },
    ],
  };
}
