/**
 * The small modal the **Convert** button opens (a convertible standing_access
 * finding in App Home or `/warden posture`): a Reason, submitted as
 * `/warden convert <finding> <reason…>` would be. Opened before the finding
 * is read (the trigger_id lives 3 s), so it is a pure function of its id.
 */
import type { SlackSurface } from '../../../ports';
import { CONVERT_REASON_BLOCK, CONVERT_VIEW } from '../ids';
import { plain } from './format';

/** The action id of the input inside the Reason block. */
export const CONVERT_INPUT_ACTION = 'value';

export function convertModal(findingId: string): SlackSurface {
  return {
    type: 'modal',
    callback_id: CONVERT_VIEW,
    private_metadata: findingId,
    title: plain('Convert', 24),
    submit: plain('Ask for approval', 24),
    close: plain('Cancel', 24),
    blocks: [
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          text: `Replace the standing binding of finding \`${findingId}\` by just-in-time access: its members are removed from it once the posture approvers agree, and each is told how to ask for it when needed.`,
        },
      },
      {
        type: 'input',
        block_id: CONVERT_REASON_BLOCK,
        label: plain('Reason', 2000),
        element: { type: 'plain_text_input', action_id: CONVERT_INPUT_ACTION, multiline: true, max_length: 500 },
      },
    ],
  };
}
