import type { RequestKind } from '../../domain/request';
import type { AppDeps } from '../deps';
import { createInvokerHandler } from './invokerHandler';
import type { KindHandler } from './kindHandler';
import { createRotateHandler } from './rotateHandler';
import { createServiceSettingHandler } from './serviceSettingHandler';

/** One handler per request kind: the only table the engine consults. */
export function createHandlers(deps: Pick<AppDeps, "iam" | "services" | "keys" | "policy">): Record<RequestKind, KindHandler> {
  return {
    invoker: createInvokerHandler(deps),
    egress: createServiceSettingHandler('egress', deps),
    ingress: createServiceSettingHandler('ingress', deps),
    rotate: createRotateHandler({ ...deps, scope: () => deps.policy().defaults }),
  };
}
