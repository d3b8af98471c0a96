/**
 * The request form (SPEC §9): a modal with the inputs **Kind**, **Target**
 * (an external_select answered from block_suggestion), **Setting**,
 * **Duration** and **Reason**. Before a kind is chosen every input shows;
 * choosing one (dispatch_action) redraws the form for it with the rule's
 * hints: what each kind asks for comes from its own module (src/kinds/<kind>,
 * `form`): Setting only where the kind has settings (egress/ingress), no
 * Duration where it takes none (rotate), Duration optional where the rule
 * allows permanent changes. Pure.
 */
import type { RequestKind } from '../../../domain/request';
import { FORM_KINDS, formOf } from '../../../kinds/registry';
import type { SlackSurface } from '../../../ports';
import {
  FORM_DURATION_BLOCK,
  FORM_KIND_ACTION,
  FORM_KIND_BLOCK,
  FORM_REASON_BLOCK,
  FORM_SETTING_BLOCK,
  FORM_TARGET_ACTION,
  FORM_TARGET_BLOCK,
  FORM_VIEW,
} from '../ids';
import { INPUT_ACTION } from './extendModal';
import { plain, section } from './format';
import type { EligibleAnswer } from '../../../domain/authority/eligible';
import { nothingOpen } from './eligibleView';

export interface FormHints {
  /** the longest duration the kind's rules allow, as the grammar writes it */
  maxDuration?: string | undefined;
  /** whether a change without a duration (permanent) is allowed */
  permanentAllowed?: boolean | undefined;
  /** the rule's reason hint */
  reason?: string | undefined;
}

const option = (text: string, value: string) => ({ text: plain(text, 75), value });

export function requestForm(kind?: RequestKind, hints: FormHints = {}): SlackSurface {
  const form = kind === undefined ? undefined : formOf(kind);
  const kindSelect = {
    type: 'static_select',
    action_id: FORM_KIND_ACTION,
    placeholder: plain('Choose a kind', 150),
    options: FORM_KINDS.map((k) => option(k.form.option, k.kind)),
    ...(form && kind ? { initial_option: option(form.option, kind) } : {}),
  };
  // Before a kind is chosen, every input shows (Setting with every kind's settings, Duration optional).
  const settings = form ? (form.settings ?? []) : FORM_KINDS.flatMap((k) => k.form.settings ?? []);
  const withSetting = settings.length > 0;
  const withDuration = form?.duration !== 'none';
  const durationOptional = form === undefined || (form.duration === 'optional' && hints.permanentAllowed !== false);
  const byKey = form?.target === 'key';
  const durationHint = [
    hints.maxDuration ? `At most ${hints.maxDuration}.` : '',
    durationOptional && kind ? 'Leave empty for a permanent change.' : '',
    'e.g. 30m, 2h, 1h30m',
  ]
    .filter(Boolean)
    .join(' ');
  const blocks: unknown[] = [
    { type: 'input', block_id: FORM_KIND_BLOCK, dispatch_action: true, label: plain('Kind', 2000), element: kindSelect },
    {
      type: 'input',
      block_id: FORM_TARGET_BLOCK,
      label: plain('Target', 2000),
      hint: plain(byKey ? 'Type the key as ring/key.' : 'Type a few letters of the service name.', 2000),
      element: {
        type: 'external_select',
        action_id: FORM_TARGET_ACTION,
        placeholder: plain(byKey ? 'ring/key' : 'service', 150),
        min_query_length: 1,
      },
    },
  ];
  if (withSetting) {
    blocks.push({
      type: 'input',
      block_id: FORM_SETTING_BLOCK,
      optional: kind === undefined,
      label: plain('Setting', 2000),
      hint: plain('Egress and ingress only.', 2000),
      element: {
        type: 'static_select',
        action_id: INPUT_ACTION,
        placeholder: plain('Choose a setting', 150),
        options: settings.map((v) => option(v, v)),
      },
    });
  }
  if (withDuration) {
    blocks.push({
      type: 'input',
      block_id: FORM_DURATION_BLOCK,
      optional: durationOptional,
      label: plain('Duration', 2000),
      hint: plain(durationHint, 2000),
      element: { type: 'plain_text_input', action_id: INPUT_ACTION, placeholder: plain('2h', 150), max_length: 20 },
    });
  }
  blocks.push({
    type: 'input',
    block_id: FORM_REASON_BLOCK,
    label: plain('Reason', 2000),
    ...(hints.reason ? { hint: plain(hints.reason, 2000) } : {}),
    element: { type: 'plain_text_input', action_id: INPUT_ACTION, multiline: true, max_length: 500 },
  });
  return {
    type: 'modal',
    callback_id: FORM_VIEW,
    private_metadata: kind ?? '',
    title: plain('Request access', 24),
    submit: plain('Ask for approval', 24),
    close: plain('Cancel', 24),
    blocks,
  };
}

/**
 * The request form for someone who may request nothing (no rule lets them
 * ask for any kind the form offers): a plain section saying why, and no
 * inputs and no submit button, so they learn it when the form opens rather
 * than at submission.
 */
export function closedForm(why: Extract<EligibleAnswer, { open: false }>, slash: string): SlackSurface {
  return {
    type: 'modal',
    callback_id: FORM_VIEW,
    private_metadata: '',
    title: plain('Request access', 24),
    close: plain('Close', 24),
    blocks: [section(nothingOpen(why)), section(`\`${slash} eligible\` shows what you may request.`)],
  };
}
