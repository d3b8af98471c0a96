/**
 * How an `egress` or `ingress` change is described to people: the setting
 * from and to, for how long, on one service, and its VPC access. Pure
 * (src/kinds/phrase.ts).
 */
import { contextList, contextString, type AccessRequest } from '../../domain/request';
import type { KindDescription } from '../kind';
import { code, durationPhrase, join, listWithMore, p, shortName, type Phrase } from '../phrase';
import type { SettingKind } from './setting';

function vpcAccess(request: AccessRequest): Phrase {
  const connector = contextString(request.context, 'vpcConnector');
  const interfaces = contextList(request.context, 'networkInterfaces');
  const parts: Phrase[] = [];
  if (connector) parts.push(p`connector ${code(connector, 300)}`);
  if (interfaces.length > 0)
    parts.push(
      p`interfaces ${join(
        listWithMore(interfaces, 5, (i) => [code(i, 200)]),
        ', ',
      )}`,
    );
  return parts.length > 0 ? join(parts, '; ') : ['none'];
}

export function describeSetting(kind: SettingKind): KindDescription {
  const lasting = (request: AccessRequest): Phrase => (request.durationSeconds ? p`for ${durationPhrase(request)}` : ['permanently']);
  return {
    label: kind === 'egress' ? 'Egress change' : 'Ingress change',
    targetNoun: 'Service',

    change: (request) => p`${kind} ${code(request.value ?? '?', 100)} on ${code(shortName(request.target), 200)} ${lasting(request)}`,

    confirm: (request) => p`${kind} ${request.value ?? '?'} on service ${shortName(request.target)} ${lasting(request)}`,

    fields: (request) => {
      const current = contextString(request.context, 'current') ?? request.previousValue;
      const revision = contextString(request.context, 'latestReadyRevision');
      return [
        {
          title: kind === 'egress' ? 'Egress' : 'Ingress',
          value: p`${code(current ?? 'unknown', 100)} → ${code(request.value ?? '?', 100)}`,
        },
        { title: 'Duration', value: durationPhrase(request) },
        { title: 'VPC access', value: vpcAccess(request) },
        { title: 'Latest ready revision', value: revision ? [code(revision, 300)] : ['unknown'] },
      ];
    },

    sections: () => [],

    undone: (request) => {
      const drift = request.result?.drift;
      if (drift !== undefined) return p`${kind} left at ${code(drift, 100)}: changed outside runwarden, not set back`;
      const back = request.previousValue ?? contextString(request.context, 'current');
      return back ? p`${kind} set back to ${code(back, 100)}` : [`${kind} set back`];
    },

    ended: (request) => {
      const service = code(shortName(request.target), 200);
      // someone changed the setting meanwhile: runwarden left theirs in place (the channel message says the same)
      const drift = request.result?.drift;
      if (drift !== undefined) return p`${kind} of ${service} was left at ${code(drift, 100)}: changed outside runwarden, not set back`;
      return request.previousValue
        ? p`${kind} of ${service} was set back to ${code(request.previousValue, 100)}`
        : p`${kind} of ${service} was set back`;
    },

    revoking: (request, when) =>
      p`This sets ${kind} of service ${shortName(request.target)} back${request.previousValue ? ` to ${request.previousValue}` : ''} now, ${when}.`,
  };
}
