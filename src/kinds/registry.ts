/**
 * The one table of request kinds: every part of runwarden that depends on
 * the kind — the runner, the sweep, submission, the Slack views and the
 * request form — reads it here, never by switching on the kind's name.
 * Adding a kind is a folder under src/kinds/ and one entry here
 * (docs/architecture.md, "Adding a kind").
 */
import type { KindRulesTable } from '../domain/authority/kindRules';
import type { RequestKind } from '../domain/request';
import { invoker } from './invoker';
import type { KindCommand, KindEffects, KindForm, KindModule, KindPorts } from './kind';
import { rotate } from './rotate';
import { convert } from './convert';
import { egress, ingress } from './setting';

/** Every kind, in the order people see them (the form's menu, help). */
export const KINDS = { invoker, egress, ingress, rotate, convert } as const satisfies { readonly [K in RequestKind]: KindModule<K> };

/** The arguments of kind K's subcommand, as its schema outputs them. */
export type KindArgs<K extends RequestKind> = (typeof KINDS)[K]['command'] extends KindCommand<infer A> ? A : never;

/** The kind module of `kind`. */
export function kindOf(kind: RequestKind): KindModule {
  return KINDS[kind];
}

/** The kinds the request form offers, in the order its Kind menu lists them, each with its form. */
export const FORM_KINDS: ReadonlyArray<KindModule & { form: KindForm }> = Object.values(KINDS).filter(
  (kind): kind is (typeof KINDS)[RequestKind] & { form: KindForm } => kind.form !== undefined,
);

/** The form of `kind`, when the request form offers it. */
export function formOf(kind: RequestKind): KindForm | undefined {
  return kindOf(kind).form;
}

/** Whether `name` names a request kind (a subcommand that makes a request). */
export function isRequestKind(name: string): name is RequestKind {
  return Object.hasOwn(KINDS, name);
}

/** Each kind's part of the authority decision, by kind: handed to decideAuthority in its grounds. */
export const KIND_RULES: KindRulesTable = {
  invoker: invoker.rules,
  egress: egress.rules,
  ingress: ingress.rules,
  rotate: rotate.rules,
  convert: convert.rules,
};

/** Each kind's effects against Google, built on `ports`. */
export function createKindEffects(ports: KindPorts): Record<RequestKind, KindEffects> {
  return {
    invoker: invoker.effects(ports),
    egress: egress.effects(ports),
    ingress: ingress.effects(ports),
    rotate: rotate.effects(ports),
    convert: convert.effects(ports),
  };
}
