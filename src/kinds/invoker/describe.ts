/**
 * How an `invoker` grant is described to people: the role, the member and
 * how long, on one service. Pure (src/kinds/phrase.ts).
 */
import { DEFAULT_INVOKER_ROLE } from '../../domain/policy/schema';
import type { AccessRequest } from '../../domain/request';
import type { KindDescription } from '../kind';
import { code, durationPhrase, p, shortName, type Phrase } from '../phrase';

const role = (request: AccessRequest): string => request.role ?? DEFAULT_INVOKER_ROLE;

export const describeInvoker: KindDescription = {
  label: 'Invoker access',
  targetNoun: 'Service',

  change: (request) =>
    p`${code(role(request), 200)} for ${code(request.member ?? 'the requester', 300)} on ${code(shortName(request.target), 200)} for ${durationPhrase(request)}`,

  confirm: (request) =>
    p`${role(request)} for ${request.member ?? 'the requester'} on service ${shortName(request.target)} for ${durationPhrase(request)}`,

  fields: (request) => [
    { title: 'Role', value: [code(role(request), 300)] },
    { title: 'Member', value: [code(request.member ?? '—', 300)] },
    { title: 'Duration', value: durationPhrase(request) },
  ],

  sections: () => [],

  undone: () => ['access removed'],

  ended: (request) => p`the ${code(role(request), 200)} binding for ${code(request.member ?? 'you', 300)} was removed`,

  revoking: (request, when: Phrase) =>
    p`This removes ${role(request)} for ${request.member ?? 'the requester'} on service ${shortName(request.target)} now, ${when}.`,
};
