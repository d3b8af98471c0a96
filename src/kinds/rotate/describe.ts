/**
 * How a key rotation is described to people: the key, its current primary
 * version, the rotation period asked for, and its blast radius (the Cloud
 * Run services that use the key as their CMEK). Pure (src/kinds/phrase.ts).
 */
import { formatDuration } from '../../domain/duration';
import { contextList, contextString, type AccessRequest } from '../../domain/request';
import type { KindDescription } from '../kind';
import { code, join, listWithMore, p, plural, shortName, text, type Phrase } from '../phrase';

/** Blast-radius entries shown before "and N more". */
export const MAX_SERVICES_SHOWN = 20;

/** A key version as "3" when it belongs to the key, else its full name. */
function versionOf(key: string, version: string): Phrase {
  const prefix = `${key}/cryptoKeyVersions/`;
  return version.startsWith(prefix) ? [code(version.slice(prefix.length), 100)] : [code(version, 500)];
}

/** Services using the key as CMEK, and why the list may be incomplete. */
function blastRadius(request: AccessRequest): Phrase {
  const services = contextList(request.context, 'services');
  const noteText = contextString(request.context, 'blastRadiusNote');
  const note: Phrase = noteText ? p`\n:warning: ${text(noteText, 300)}` : [];
  if (services.length === 0) return p`*Blast radius:* none found — no Cloud Run service uses this key as CMEK${note}`;
  const lines = listWithMore(services, MAX_SERVICES_SHOWN, (s) => p`• ${code(s, 120)}`);
  return p`*Blast radius:* ${plural(services.length, 'service')} use this key as CMEK\n${join(lines, '\n')}${note}`;
}

export const describeRotate: KindDescription = {
  label: 'Key rotation',
  targetNoun: 'Key',

  change: (request) => p`rotation of key ${code(shortName(request.target), 200)}`,

  confirm: (request) => {
    const used = contextList(request.context, 'services').length;
    const period = request.rotationPeriodSeconds ? ` and rotation every ${formatDuration(request.rotationPeriodSeconds)}` : '';
    return [
      `a new primary version of key ${shortName(request.target)}${period}; ${used === 0 ? 'no Cloud Run service uses it' : `${plural(used, 'service')} use it`}`,
    ];
  },

  fields: (request) => {
    const primary = contextString(request.context, 'primaryVersion');
    const current = contextString(request.context, 'rotationPeriod');
    const wanted = request.rotationPeriodSeconds ? `every ${formatDuration(request.rotationPeriodSeconds)}` : 'unchanged';
    return [
      { title: 'Current primary version', value: primary ? versionOf(request.target, primary) : ['none'] },
      { title: 'Rotation period', value: current ? p`${wanted} (now ${text(current, 50)})` : [wanted] },
    ];
  },

  sections: (request) => [blastRadius(request)],

  undone: () => ['nothing to undo'],

  ended: () => ['a rotation cannot be undone'],

  revoking: (request, when) => p`This sets rotate of service ${shortName(request.target)} back now, ${when}.`,

  done: (request) => {
    const version = request.result?.['version'];
    return version
      ? p`key ${code(shortName(request.target), 200)} was rotated; the new primary version is ${code(version, 500)}`
      : p`key ${code(shortName(request.target), 200)} was rotated`;
  },
};
