/**
 * What a conversion tells the people it took a standing binding from (SPEC
 * §11): what was removed, why, and how to ask for the same access just in
 * time — naming the rule that covers them, or saying that none does yet.
 * A user gets it by DM; a group (which Slack cannot DM) is named in the
 * request's thread with the same words. Pure.
 */
import type { AccessRequest } from '../../../domain/request';
import { type SlackView, code, contextBlock, safeText, section } from './format';

export interface MemberNoticeInput {
  request: AccessRequest;
  /** the member told (user:… / group:…) */
  member: string;
  /** the rule that covers the member now, if any */
  rule?: string | undefined;
  slash: string;
}

export function memberNotice({ request, member, rule, slash }: MemberNoticeInput): SlackView {
  const role = request.removed?.role ?? request.role ?? '';
  const group = member.startsWith('group:');
  const who = group ? `${code(member, 300)} no longer holds` : 'You no longer hold';
  const head = `${who} the standing ${code(role, 200)} on ${code(request.target, 300)}: runwarden replaced it by just-in-time access (request ${code(request.id, 20)}, finding ${code(request.finding ?? '', 20)}).`;
  const flags = `${group ? ` --member ${safeText(member, 300)}` : ''}${role === 'roles/run.invoker' ? '' : ` --role ${safeText(role, 200)}`}`;
  const ask = `\`${slash} invoker ${safeText(request.target, 300)} &lt;duration&gt; &lt;reason…&gt;${flags}\``;
  const how =
    rule !== undefined
      ? `When ${group ? 'its members need' : 'you need'} it, ask for it for a while: ${ask} — rule ${code(rule, 64)} covers it, and its approvers decide.`
      : `No rule covers it yet: ask the posture approvers or the policy's owners to add one before ${group ? 'its members need' : 'you need'} it again.`;
  const text = `${head} ${how}`;
  return {
    text: safeText(
      `${group ? member : 'Your'} standing ${role} on ${request.target} was replaced by just-in-time access (request ${request.id}).`,
      2900,
    ),
    blocks: [
      section(text),
      contextBlock([
        `Why: Google Cloud's IAM guidance — least privilege, temporary access instead of standing grants (https://cloud.google.com/iam/docs/configuring-temporary-access).`,
      ]),
    ],
  };
}
