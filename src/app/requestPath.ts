/**
 * runwarden's request path: the use cases (src/app/useCases), the kinds'
 * effects (src/kinds) and the Slack listeners that call them (commands, buttons, the
 * request form, the Extend modal, App Home). Loaded by src/app/wiring.ts on
 * the first Slack request or sweep, not at start-up: about a hundred modules
 * that no `/healthz` needs (bench/README.md, "Start-up").
 */
import { registerActionListener } from '../adapters/slack/listeners/actionListener';
import { registerCommandListener } from '../adapters/slack/listeners/commandListener';
import { registerConvertListener } from '../adapters/slack/listeners/convertListener';
import { registerExtendListener } from '../adapters/slack/listeners/extendListener';
import { registerDecisionReasonListener } from '../adapters/slack/listeners/decisionReasonListener';
import { registerFormListener } from '../adapters/slack/listeners/formListener';
import { registerHomeListener } from '../adapters/slack/listeners/homeListener';
import type { SlackListeners } from '../adapters/slack/listeners/slackListeners';
import { closedForm, requestForm } from '../adapters/slack/views/requestForm';
import { withinAck } from '../adapters/slack/listeners/viewState';
import type { Policy } from '../domain/policy/schema';
import type { ChatPort, DeliveryLedger, ViewsPort } from '../ports';
import type { AppDeps } from './deps';
import { createKindEffects } from '../kinds/registry';
import { createUseCases, type UseCases } from './useCases';

export interface RequestPathOptions {
  deps: AppDeps;
  /** Slack's chat, views and directory (deps.chat, as its full adapter) */
  chat: ChatPort & ViewsPort;
  deliveries: DeliveryLedger;
  listeners: SlackListeners;
  slashCommand: string;
  policy: Policy;
}

/** How long opening the request form waits to know whether anything is open to the user (of the 3 s a trigger_id lives). */
const OPEN_DECISION_BUDGET_MS = 1_200;

/** Builds the use cases and registers every Slack listener on `listeners`; returns the use cases. */
export function createRequestPath({ deps, chat, deliveries, listeners, slashCommand, policy }: RequestPathOptions): UseCases {
  const useCases = createUseCases(deps, createKindEffects({ ...deps, defaults: () => deps.policy().defaults }));
  const commandContext = { slash: slashCommand, useCases, policy };
  registerCommandListener(listeners, {
    slash: slashCommand,
    logger: deps.logger,
    context: commandContext,
    deliveries,
    now: () => deps.clock.now(),
    openForm: async (triggerId, user) => {
      // Someone who may request nothing gets a form saying so (closedForm). The trigger_id lives 3 s, so the
      // decision is waited for at most OPEN_DECISION_BUDGET_MS; a later one replaces the form already open.
      const closed = useCases.requestForm.closedTo(user).then(
        (why) => ({ why }),
        (error: unknown) => {
          deps.logger.warn('could not tell whether the request form is open to the user', { error: String(error) });
          return { why: undefined };
        },
      );
      const early = await withinAck(closed, OPEN_DECISION_BUDGET_MS);
      if (early?.why !== undefined) {
        await chat.openView(triggerId, closedForm(early.why, slashCommand));
        return;
      }
      const opened = await chat.openView(triggerId, requestForm());
      if (early !== undefined) {
        void useCases.requestForm.warm(user);
        return;
      }
      void closed.then(async ({ why }) => {
        if (why === undefined) return useCases.requestForm.warm(user);
        await chat.updateView(opened.id, closedForm(why, slashCommand)).catch((error: unknown) => {
          deps.logger.warn('could not show the closed request form', { error: String(error) });
        });
      });
    },
  });
  registerFormListener(listeners, {
    context: commandContext,
    suggest: useCases.requestForm.suggest,
    hints: useCases.requestForm.hints,
    views: chat,
    chat,
    logger: deps.logger,
    deliveries,
    now: () => deps.clock.now(),
  });
  registerHomeListener(listeners, { publish: useCases.home.publish, logger: deps.logger });
  registerExtendListener(listeners, { extend: useCases.extend, chat, views: chat, logger: deps.logger, slash: slashCommand });
  registerConvertListener(listeners, {
    context: commandContext,
    chat,
    views: chat,
    logger: deps.logger,
    slash: slashCommand,
    deliveries,
    now: () => deps.clock.now(),
  });
  registerDecisionReasonListener(listeners, {
    decide: useCases.decide,
    decideExtension: useCases.decideExtension,
    chat,
    views: chat,
    logger: deps.logger,
    slash: slashCommand,
  });
  registerActionListener(listeners, {
    decide: useCases.decide,
    decideExtension: useCases.decideExtension,
    cancel: useCases.cancel,
    clickedMessage: useCases.clickedMessage,
    chat,
    logger: deps.logger,
  });
  return useCases;
}
