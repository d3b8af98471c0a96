/**
 * Resource-name parsing for the emulated APIs. A malformed name is an
 * INVALID_ARGUMENT, as on Google's side; an unknown but well-formed one is
 * the caller's NOT_FOUND to raise.
 */
import { invalidArgument } from './rpcError';

const PROJECT = '([a-z0-9][a-z0-9.:-]*[a-z0-9])';
const REGION = '([a-z]+(?:-[a-z]+)+[0-9]+)';
const KMS_LOCATION = '([a-z0-9]+(?:-[a-z0-9]+)*)';
const SERVICE_ID = '([a-z](?:[-a-z0-9]{0,61}[a-z0-9])?)';
const KMS_ID = '([a-zA-Z0-9_-]{1,63})';

function matcher(pattern: string, shape: string): (name: unknown) => string[] {
  const regex = new RegExp(`^${pattern}$`);
  return (name) => {
    if (typeof name !== 'string' || name === '') throw invalidArgument(`Missing resource name: expected ${shape}`);
    const match = regex.exec(name);
    if (!match) throw invalidArgument(`Invalid resource name '${name}': expected ${shape}`);
    return match.slice(1).map((part) => part ?? '');
  };
}

const projectMatch = matcher(`projects/${PROJECT}`, 'projects/{project}');
const regionMatch = matcher(`projects/${PROJECT}/locations/${REGION}`, 'projects/{project}/locations/{region}');
const serviceMatch = matcher(
  `projects/${PROJECT}/locations/${REGION}/services/${SERVICE_ID}`,
  'projects/{project}/locations/{location}/services/{service}',
);
const operationMatch = matcher(
  `projects/${PROJECT}/locations/${REGION}/operations/([a-f0-9-]{36})`,
  'projects/{project}/locations/{location}/operations/{operation}',
);
const kmsLocationMatch = matcher(`projects/${PROJECT}/locations/${KMS_LOCATION}`, 'projects/{project}/locations/{location}');
const keyRingMatch = matcher(
  `projects/${PROJECT}/locations/${KMS_LOCATION}/keyRings/${KMS_ID}`,
  'projects/{project}/locations/{location}/keyRings/{key_ring}',
);
const cryptoKeyMatch = matcher(
  `projects/${PROJECT}/locations/${KMS_LOCATION}/keyRings/${KMS_ID}/cryptoKeys/${KMS_ID}`,
  'projects/{project}/locations/{location}/keyRings/{key_ring}/cryptoKeys/{crypto_key}',
);
const versionMatch = matcher(
  `projects/${PROJECT}/locations/${KMS_LOCATION}/keyRings/${KMS_ID}/cryptoKeys/${KMS_ID}/cryptoKeyVersions/([1-9][0-9]*)`,
  'projects/{project}/locations/{location}/keyRings/{key_ring}/cryptoKeys/{crypto_key}/cryptoKeyVersions/{crypto_key_version}',
);

export interface ServiceName {
  project: string;
  location: string;
  service: string;
}

export function parseProject(name: unknown): { project: string } {
  const [project = ''] = projectMatch(name);
  return { project };
}

/** projects/P/locations/L where L is a Cloud Run region */
export function parseRegion(name: unknown): { project: string; location: string } {
  const [project = '', location = ''] = regionMatch(name);
  return { project, location };
}

export function parseServiceName(name: unknown): ServiceName {
  const [project = '', location = '', service = ''] = serviceMatch(name);
  return { project, location, service };
}

export function parseOperationName(name: unknown): { project: string; location: string } {
  const [project = '', location = ''] = operationMatch(name);
  return { project, location };
}

export function parseKmsLocation(name: unknown): { project: string; location: string } {
  const [project = '', location = ''] = kmsLocationMatch(name);
  return { project, location };
}

export function parseKeyRingName(name: unknown): string {
  keyRingMatch(name);
  return String(name);
}

export function parseCryptoKeyName(name: unknown): { keyRing: string; key: string } {
  cryptoKeyMatch(name);
  const key = String(name);
  return { keyRing: key.slice(0, key.indexOf('/cryptoKeys/')), key };
}

export function parseCryptoKeyVersionName(name: unknown): { key: string; version: number } {
  versionMatch(name);
  const full = String(name);
  const at = full.indexOf('/cryptoKeyVersions/');
  return { key: full.slice(0, at), version: Number(full.slice(at + '/cryptoKeyVersions/'.length)) };
}

export function isKmsIamResource(name: string): boolean {
  return (
    new RegExp(`^projects/${PROJECT}/locations/${KMS_LOCATION}/keyRings/${KMS_ID}$`).test(name) ||
    new RegExp(`^projects/${PROJECT}/locations/${KMS_LOCATION}/keyRings/${KMS_ID}/cryptoKeys/${KMS_ID}$`).test(name)
  );
}
