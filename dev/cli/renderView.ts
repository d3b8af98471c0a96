/**
 * Prints a Block Kit view (modal or App Home) as readable lines for the
 * sandbox CLI: its title, each block's text, input labels with the element
 * type, and button rows as `[Label](action_id value)`. Unknown shapes are
 * skipped, never thrown on. Block fields follow Slack's Block Kit reference.
 */
import { z } from 'zod';
import { renderSlackText, type SlackTextContext } from './slackText';

const textObject = z.looseObject({ text: z.string() });
const elementSchema = z.looseObject({
  type: z.string(),
  text: textObject.optional(),
  action_id: z.string().optional(),
  value: z.string().optional(),
});
const blockSchema = z.looseObject({
  type: z.string(),
  block_id: z.string().optional(),
  text: textObject.optional(),
  label: textObject.optional(),
  fields: z.array(textObject).optional(),
  elements: z.array(z.union([elementSchema, textObject])).optional(),
  element: elementSchema.optional(),
  accessory: elementSchema.optional(),
});
const viewSchema = z.looseObject({ type: z.string().optional(), title: textObject.optional(), blocks: z.array(z.unknown()).optional() });

/** `heading` then one indented line per visible part of `view`'s blocks; with `context`, Slack markup rendered (slackText.ts). */
export function renderView(heading: string, view: unknown, context?: SlackTextContext): string {
  const text = (raw: string): string => (context ? renderSlackText(raw, context) : raw);
  const parsed = viewSchema.safeParse(view);
  if (!parsed.success) return `[${heading}] (not a view)`;
  const lines = [`[${heading}]${parsed.data.title ? ` ${parsed.data.title.text}` : ''}`];
  for (const raw of parsed.data.blocks ?? []) {
    const block = blockSchema.safeParse(raw);
    if (!block.success) continue;
    const b = block.data;
    const parts: string[] = [];
    if (b.type === 'divider') parts.push('----');
    if (b.text) parts.push(b.text.text);
    for (const f of b.fields ?? []) parts.push(f.text);
    if (b.type === 'input' && b.label) parts.push(`${b.label.text}: <${b.element?.type ?? 'input'} ${b.block_id ?? ''}>`);
    const buttons = [...(b.elements ?? []), ...(b.accessory ? [b.accessory] : [])].map(describeElement).filter(Boolean);
    if (buttons.length) parts.push(buttons.join(b.type === 'context' ? ' · ' : ' '));
    for (const part of parts)
      if (part.trim())
        lines.push(
          ...text(part)
            .split('\n')
            .map((line) => `    ${line}`),
        );
  }
  return lines.join('\n');
}

function describeElement(raw: unknown): string {
  const element = elementSchema.safeParse(raw);
  if (!element.success) return textObject.safeParse(raw).data?.text ?? '';
  const e = element.data;
  if (e.type === 'button') return `[${e.text?.text ?? ''}](${e.action_id ?? ''}${e.value === undefined ? '' : ` ${e.value}`})`;
  return e.text?.text ?? '';
}
