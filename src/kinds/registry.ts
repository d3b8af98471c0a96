/**
 * The one table of request kinds: every part of runwarden that depends on
 * the kind (the runner, the sweep, submission) reads it here, never by
 * switching on the kind's name. Adding a kind is a folder under src/kinds/
 * and one entry here (docs/architecture.md, "Adding a kind").
 */
import type { RequestKind } from '../domain/request';
import { createInvokerEffects } from './invoker/effects';
import type { KindEffects, KindPorts } from './kind';
import { createRotateEffects } from './rotate/effects';
import { createSettingEffects } from './setting/effects';

/** Each kind's effects against Google, built on `ports`. */
export function createKindEffects(ports: KindPorts): Record<RequestKind, KindEffects> {
  return {
    invoker: createInvokerEffects(ports),
    egress: createSettingEffects('egress', ports),
    ingress: createSettingEffects('ingress', ports),
    rotate: createRotateEffects({ ...ports, scope: ports.defaults }),
  };
}
