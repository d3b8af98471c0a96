/** **Convert** on a convertible posture finding: opens the convert modal (value: the finding id, checked again at submission). */
import { CONVERT_OPEN_ACTION } from '../ids';
import { type Button, LIMITS, plain } from './format';

export function convertButton(findingId: string): Button {
  return { type: 'button', action_id: CONVERT_OPEN_ACTION, text: plain('Convert', LIMITS.buttonText), value: findingId, style: 'primary' };
}
