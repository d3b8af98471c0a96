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
import { requestForm } from '../adapters/slack/views/requestForm';
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
    openForm: async (triggerId) => {
      await chat.openView(triggerId, requestForm());
      void useCases.requestForm.warm();
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
