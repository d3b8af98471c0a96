/**
 * How a conversion is described to people (SPEC §11): the standing binding
 * (role and members) removed from the service, the finding it comes from, the
 * rule its members can ask under instead. Pure (src/kinds/phrase.ts).
 */
import { contextString, type AccessRequest } from '../../domain/request';
import type { KindDescription } from '../kind';
import { code, join, p, shortName, type Phrase } from '../phrase';

const members = (request: AccessRequest): Phrase =>
  join(
    (request.members ?? []).map((m) => [code(m, 300)]),
    ', ',
  );

export const describeConvert: KindDescription = {
  label: 'Conversion of standing access',
  targetNoun: 'Service',

  change: (request) =>
    p`removal of the standing ${code(request.role ?? '', 200)} of ${members(request)} on ${code(shortName(request.target), 200)}`,

  confirm: (request) => [
    `remove the standing ${request.role ?? ''} of ${(request.members ?? []).join(', ')} on ${shortName(request.target)}; they then ask for it just in time`,
  ],

  fields: (request) => {
    const rule = contextString(request.context, 'rule');
    return [
      { title: 'Finding', value: [code(request.finding ?? '', 20)] },
      { title: 'Standing binding', value: p`${code(request.role ?? '', 200)} for ${members(request)}` },
      { title: 'Just in time under', value: rule ? p`rule ${code(rule, 64)}` : ['no rule'] },
    ];
  },

  sections: (request) => {
    const others = (request.expected ?? []).filter((m) => !(request.members ?? []).includes(m));
    return [
      others.length === 0
        ? p`Nothing else in the service's policy changes; the binding goes once these members leave it.`
        : p`Nothing else in the service's policy changes: ${join(
            others.map((m) => [code(m, 300)]),
            ', ',
          )} keep ${code(request.role ?? '', 200)}.`,
    ];
  },

  undone: () => ['the standing binding stays removed (put it back by hand from the recorded `removed`)'],

  ended: () => ['the standing binding stays removed'],

  revoking: (request, when) => p`A conversion of ${code(shortName(request.target), 200)} is permanent; nothing is set back ${when}.`,

  done: (request) => {
    const removed = request.removed;
    return removed
      ? p`${join(
          removed.members.map((m) => [code(m, 300)]),
          ', ',
        )} ${removed.members.length === 1 ? 'no longer holds' : 'no longer hold'} the standing ${code(removed.role, 200)} on ${code(shortName(request.target), 200)}; ${removed.members.length === 1 ? 'they were' : 'each was'} told how to ask for it just in time`
      : p`the standing binding on ${code(shortName(request.target), 200)} was already gone`;
  },
};
