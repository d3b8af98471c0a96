/**
 * "Deny with reason…", "Revoke with reason…", "End with reason…" and an
 * extension's "Deny with reason…": the click opens the decision-reason modal
 * at once (views.open with the click's trigger_id, before any other work:
 * Slack's trigger_id lives 3 s); the submission decides through the same use
 * cases as a click on Deny / Revoke now / End now — the same transaction and
 * authority re-check, on the request as read there — with the reason. A
 * reason that is too long, and a refusal known within the acknowledgement's
 * budget, come back inline on the Reason block; a later failure by DM.
 */
import type { SlackListeners } from './slackListeners';
import { z } from 'zod';
import { decisionReasonArg } from '../../../domain/grammar/args';
import { isRequestId } from '../../../domain/requestId';
import { asWardenError, severityOf } from '../../../domain/errors';
import type { ChatPort, Logger, ViewsPort } from '../../../ports';
import type { RunResult } from '../../../app/runner';
import type { Decision } from '../../../app/useCases/decide';
import type { ExtensionDecision } from '../../../app/useCases/extend';
import {
  DECISION_REASON_BLOCK,
  DECISION_REASON_VIEW,
  DENY_WITH_REASON_ACTION,
  EXTENSION_DENY_WITH_REASON_ACTION,
  REVOKE_WITH_REASON_ACTION,
} from '../ids';
import { REASON_INPUT_ACTION, decisionReasonModal, reasonedDecision, type ReasonedDecision } from '../views/decisionReasonModal';
import { userText } from '../views/refusalText';
import { inputValue, withinAck } from './viewState';
import { tellClicker } from './tellClicker';

export interface DecisionReasonDeps {
  decide: (decision: Decision, id: string, actor: string, reason?: string) => Promise<RunResult>;
  decideExtension: (decision: ExtensionDecision, ref: string, actor: string, reason?: string) => Promise<RunResult>;
  chat: ChatPort;
  views: ViewsPort;
  logger: Logger;
  /** the configured slash command, for texts that name a command */
  slash: string;
}

const isExtensionRef = (value: string): boolean => /^[a-z0-9]+\.[1-9][0-9]*$/.test(value) && isRequestId(value.split('.')[0] ?? '');
const validRef = (decided: ReasonedDecision): boolean =>
  decided.decision === 'deny_extension' ? isExtensionRef(decided.ref) : isRequestId(decided.ref);

const openClick = z.object({
  user: z.object({ id: z.string().min(1) }),
  trigger_id: z.string().min(1),
  channel: z.object({ id: z.string() }).optional(),
  container: z.object({ channel_id: z.string().optional() }).optional(),
  actions: z.array(z.object({ value: z.string().max(100) })).min(1),
});
const submission = z.object({
  user: z.object({ id: z.string().min(1) }),
  view: z.object({ private_metadata: z.string().max(500), state: z.unknown() }),
});

const OPENS: Record<string, ReasonedDecision['decision']> = {
  [DENY_WITH_REASON_ACTION]: 'deny',
  [REVOKE_WITH_REASON_ACTION]: 'revoke',
  [EXTENSION_DENY_WITH_REASON_ACTION]: 'deny_extension',
};

function metadataOf(text: string): ReasonedDecision | undefined {
  try {
    const parsed = reasonedDecision.safeParse(JSON.parse(text));
    return parsed.success && validRef(parsed.data) ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

export function registerDecisionReasonListener(app: SlackListeners, deps: DecisionReasonDeps): void {
  for (const [actionId, decision] of Object.entries(OPENS)) {
    app.action(actionId, async ({ ack, body, respond }) => {
      await ack();
      const parsed = openClick.safeParse(body);
      const decided = parsed.success ? { decision, ref: parsed.data.actions[0]?.value ?? '' } : undefined;
      if (!parsed.success || !decided || !validRef(decided)) return deps.logger.warn('ignored a malformed button payload', { actionId });
      await deps.views.openView(parsed.data.trigger_id, decisionReasonModal(decided)).catch(async (error: unknown) => {
        deps.logger.warn('could not open the decision-reason modal', { requestId: decided.ref, error: String(error) });
        const channel = parsed.data.channel?.id ?? parsed.data.container?.channel_id;
        const instead =
          decision === 'revoke'
            ? `Use \`${deps.slash} revoke ${decided.ref} <reason…>\`, or the button without a reason.`
            : 'Use the Deny button; it denies without a reason.';
        await tellClicker(deps, { user: parsed.data.user.id, channel, respond, requestId: decided.ref })(
          `Slack could not open the form for a reason. ${instead}`,
        );
      });
    });
  }

  app.view(DECISION_REASON_VIEW, async ({ ack, body }) => {
    const parsed = submission.safeParse(body);
    const decided = parsed.success ? metadataOf(parsed.data.view.private_metadata) : undefined;
    if (!parsed.success || !decided) {
      deps.logger.warn('ignored a malformed decision-reason submission', {});
      return void (await ack());
    }
    const user = parsed.data.user.id;
    const reason = decisionReasonArg.safeParse(inputValue(parsed.data.view.state, DECISION_REASON_BLOCK, REASON_INPUT_ACTION) ?? '');
    if (!reason.success) {
      const message = reason.error.issues[0]?.message ?? 'The reason is not valid.';
      return void (await ack({ response_action: 'errors', errors: { [DECISION_REASON_BLOCK]: message } }));
    }
    const run = (): Promise<RunResult> =>
      decided.decision === 'deny_extension'
        ? deps.decideExtension('deny', decided.ref, user, reason.data)
        : deps.decide(decided.decision, decided.ref, user, reason.data);
    const work = run().catch((error: unknown): RunResult => {
      const failure = asWardenError(error);
      deps.logger[severityOf(failure.code)]('decision from the reason modal failed', {
        requestId: decided.ref,
        code: failure.code,
        error: failure.operatorMessage,
      });
      return { outcome: { ok: false, error: failure } };
    });
    const early = await withinAck(work);
    if (early && !early.outcome.ok) {
      return void (await ack({
        response_action: 'errors',
        errors: { [DECISION_REASON_BLOCK]: userText(early.outcome.error, deps.slash) },
      }));
    }
    await ack();
    if (early) return;
    // the modal is closed: a refusal that came later is told by DM
    const late = await work;
    if (!late.outcome.ok) await tellClicker(deps, { user, requestId: decided.ref })(userText(late.outcome.error, deps.slash));
  });
}
