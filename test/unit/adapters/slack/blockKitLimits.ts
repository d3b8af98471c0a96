/**
 * Checks a view against the Block Kit limits Slack enforces (a message over a
 * limit is rejected with invalid_blocks) and against mention/link injection:
 * the only `<…>` tokens allowed in mrkdwn are the ones runwarden writes itself.
 */
import type { types } from '@slack/bolt';
import type { SlackView } from '../../../../src/adapters/slack/views/format';

type TextObject = types.PlainTextElement | types.MrkdwnElement;

/** `<@U…>` users, `<#C…>` channels, `<!subteam^S…>` groups, `<!date^…|…>` dates. */
const ALLOWED_TOKEN = /^<(@[UW][A-Z0-9]+|#[CGD][A-Z0-9]+|!subteam\^S[A-Z0-9]+|!date\^\d+\^[^|<>]+\|[^<>]+)>$/;

export function blockKitViolations(view: SlackView, maxBlocks = 50): string[] {
  const problems: string[] = [];
  const check = (ok: boolean, what: string): void => {
    if (!ok) problems.push(what);
  };
  const text = (t: TextObject | undefined, max: number, where: string): void => {
    if (!t) return;
    check(t.text.length > 0, `${where}: empty text`);
    check(t.text.length <= max, `${where}: ${t.text.length} > ${max} chars`);
    if (t.type === 'mrkdwn') for (const bad of unsafeTokens(t.text)) problems.push(`${where}: unsafe token ${bad}`);
  };

  check(view.text.length > 0 && view.text.length <= 3000, `text length ${view.text.length}`);
  for (const bad of unsafeTokens(view.text)) problems.push(`text: unsafe token ${bad}`);
  check(view.blocks.length >= 1 && view.blocks.length <= maxBlocks, `${view.blocks.length} blocks`);

  view.blocks.forEach((block, i) => {
    const where = `block ${i} (${block.type})`;
    check((block.block_id ?? '').length <= 255, `${where}: block_id too long`);
    switch (block.type) {
      case 'section':
        check(block.text !== undefined || (block.fields?.length ?? 0) > 0, `${where}: neither text nor fields`);
        text(block.text, 3000, where);
        check((block.fields?.length ?? 0) <= 10, `${where}: more than 10 fields`);
        block.fields?.forEach((f, j) => text(f, 2000, `${where} field ${j}`));
        break;
      case 'header':
        check(block.text.type === 'plain_text', `${where}: header must be plain_text`);
        text(block.text, 150, where);
        break;
      case 'context':
        check(block.elements.length >= 1 && block.elements.length <= 10, `${where}: ${block.elements.length} elements`);
        block.elements.forEach((e, j) => {
          if (e.type === 'mrkdwn' || e.type === 'plain_text') text(e, 3000, `${where} element ${j}`);
        });
        break;
      case 'actions':
        check(block.elements.length >= 1 && block.elements.length <= 25, `${where}: ${block.elements.length} elements`);
        block.elements.forEach((e, j) => {
          const at = `${where} element ${j}`;
          if (e.type !== 'button') return;
          check(e.text.type === 'plain_text', `${at}: button text must be plain_text`);
          text(e.text, 75, `${at} text`);
          check((e.action_id ?? '').length > 0 && (e.action_id ?? '').length <= 255, `${at}: action_id`);
          check((e.value ?? '').length <= 2000, `${at}: value too long`);
          if (e.confirm) {
            text(e.confirm.title, 100, `${at} confirm title`);
            text(e.confirm.text, 300, `${at} confirm text`);
            text(e.confirm.confirm, 30, `${at} confirm button`);
            text(e.confirm.deny, 30, `${at} deny button`);
          }
        });
        break;
      case 'divider':
        break;
      case 'input':
        check(block.label.type === 'plain_text', `${where}: label must be plain_text`);
        text(block.label, 2000, `${where} label`);
        text(block.hint, 2000, `${where} hint`);
        check(
          ['plain_text_input', 'static_select', 'external_select'].includes(block.element.type),
          `${where}: element ${block.element.type}`,
        );
        if (block.element.type === 'static_select') {
          const options = block.element.options ?? [];
          check(options.length >= 1 && options.length <= 100, `${where}: ${options.length} options`);
          options.forEach((o, j) => {
            text(o.text as TextObject, 75, `${where} option ${j}`);
            check((o.value ?? '').length <= 150, `${where} option ${j}: value too long`);
          });
        }
        break;
      default:
        problems.push(`${where}: block type not expected in runwarden views`);
    }
  });
  return problems;
}

/** Every `<…>` token (or stray `<`) in mrkdwn that runwarden does not write itself. */
export function unsafeTokens(mrkdwn: string): string[] {
  const bad: string[] = [];
  for (const match of mrkdwn.matchAll(/<[^>]*>?/g)) {
    if (!ALLOWED_TOKEN.test(match[0])) bad.push(match[0]);
  }
  return bad;
}

/** Every string inside a view's blocks and text, for "does it say X anywhere" assertions. */
export function allText(view: SlackView): string {
  return JSON.stringify(view);
}

/**
 * A modal or home view (https://docs.slack.dev/reference/views): at most 100
 * blocks, each within the Block Kit limits above; a modal's title, submit and
 * close at most 24 characters, private_metadata at most 3000, unique block ids.
 */
export function surfaceViolations(surface: { type: string; blocks: unknown[]; [key: string]: unknown }): string[] {
  const problems = blockKitViolations({ text: 'surface', blocks: surface.blocks as SlackView['blocks'] }, 100);
  const ids = (surface.blocks as Array<{ block_id?: string }>).map((b) => b.block_id).filter((id): id is string => id !== undefined);
  if (new Set(ids).size !== ids.length) problems.push('duplicate block ids');
  if (surface.type === 'modal') {
    for (const field of ['title', 'submit', 'close']) {
      const value = surface[field] as TextObject | undefined;
      if (field === 'title' || value) {
        if (!value || value.type !== 'plain_text' || value.text.length < 1 || value.text.length > 24)
          problems.push(`${field}: 1–24 plain_text characters`);
      }
    }
    if (typeof surface.private_metadata === 'string' && surface.private_metadata.length > 3000) problems.push('private_metadata too long');
  }
  return problems;
}
