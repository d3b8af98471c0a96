/**
 * The request form (SPEC §9): a modal with the inputs **Kind**, **Target**
 * (an external_select answered from block_suggestion), **Setting**,
 * **Duration** and **Reason**. Before a kind is chosen every input shows;
 * choosing one (dispatch_action) redraws the form for it with the rule's
 * hints: Setting only for egress/ingress, no Duration for rotate, Duration
 * optional where the rule allows permanent changes. Pure.
 */
import { EGRESS_VALUES, INGRESS_VALUES, REQUEST_KINDS, type RequestKind } from '../../../domain/request';
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
import { plain } from './format';

export interface FormHints {
  /** the longest duration the kind's rules allow, as the grammar writes it */
  maxDuration?: string | undefined;
  /** whether a change without a duration (permanent) is allowed */
  permanentAllowed?: boolean | undefined;
  /** the rule's reason hint */
  reason?: string | undefined;
}

const KIND_TEXT: Record<RequestKind, string> = {
  invoker: 'invoker — call a private service',
  egress: 'egress — VPC egress setting',
  ingress: 'ingress — ingress setting',
  rotate: 'rotate — rotate a KMS key',
};

const option = (text: string, value: string) => ({ text: plain(text, 75), value });

export function requestForm(kind?: RequestKind, hints: FormHints = {}): SlackSurface {
  const kindSelect = {
    type: 'static_select',
    action_id: FORM_KIND_ACTION,
    placeholder: plain('Choose a kind', 150),
    options: REQUEST_KINDS.map((k) => option(KIND_TEXT[k], k)),
    ...(kind ? { initial_option: option(KIND_TEXT[kind], kind) } : {}),
  };
  const settings = kind === 'egress' ? EGRESS_VALUES : kind === 'ingress' ? INGRESS_VALUES : [...EGRESS_VALUES, ...INGRESS_VALUES];
  const withSetting = kind === undefined || kind === 'egress' || kind === 'ingress';
  const withDuration = kind !== 'rotate';
  const durationOptional = kind === undefined || ((kind === 'egress' || kind === 'ingress') && hints.permanentAllowed !== false);
  const durationHint = [hints.maxDuration ? `At most ${hints.maxDuration}.` : '', durationOptional && kind ? 'Leave empty for a permanent change.' : '', 'e.g. 30m, 2h, 1h30m']
    .filter(Boolean)
    .join(' ');
  const blocks: unknown[] = [
    { type: 'input', block_id: FORM_KIND_BLOCK, dispatch_action: true, label: plain('Kind', 2000), element: kindSelect },
    {
      type: 'input',
      block_id: FORM_TARGET_BLOCK,
      label: plain('Target', 2000),
      hint: plain(kind === 'rotate' ? 'Type the key as ring/key.' : 'Type a few letters of the service name.', 2000),
      element: { type: 'external_select', action_id: FORM_TARGET_ACTION, placeholder: plain(kind === 'rotate' ? 'ring/key' : 'service', 150), min_query_length: 1 },
    },
  ];
  if (withSetting) {
    blocks.push({
      type: 'input',
      block_id: FORM_SETTING_BLOCK,
      optional: kind === undefined,
      label: plain('Setting', 2000),
      hint: plain('Egress and ingress only.', 2000),
      element: { type: 'static_select', action_id: INPUT_ACTION, placeholder: plain('Choose a setting', 150), options: settings.map((v) => option(v, v)) },
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
