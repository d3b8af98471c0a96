/**
 * The one table of request kinds: every part of runwarden that depends on
 * the kind — the runner, the sweep, submission, the Slack views and the
 * request form — reads it here, never by switching on the kind's name.
 * Adding a kind is a folder under src/kinds/ and one entry here
 * (docs/architecture.md, "Adding a kind").
 */
import type { KindRulesTable } from '../domain/authority/kindRules';
import { orList, type Tokens } from '../domain/grammar/tokens';
import { REQUEST_KINDS, type RequestKind } from '../domain/request';
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

/**
 * A request command as typed — its kind's name, then that kind's words and
 * flags (`invoker hello 2h debugging --break-glass`) — parsed by the kind's
 * own subcommand: the kind and its arguments, or the first problem. What
 * `/warden explain` and the policy CLI's explain and test read.
 */
export function parseRequestCommand(tokens: Tokens): { ok: true; kind: RequestKind; args: object } | { ok: false; error: string } {
  const [first, ...words] = tokens.words;
  if (first === undefined) {
    return {
      ok: false,
      error: `Say which request, as you would ask it: e.g. \`invoker hello 2h debugging\` (${orList(REQUEST_KINDS)} …).`,
    };
  }
  const kind = first.toLowerCase();
  if (!isRequestKind(kind)) {
    return { ok: false, error: `\`${first}\` is not a request: give a request command (${orList(REQUEST_KINDS)}) as you would type it.` };
  }
  const parsed = kindOf(kind).command.parseArgs({ ...tokens, words });
  return parsed.ok ? { ok: true, kind, args: parsed.args } : parsed;
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
