/**
 * Google resource names runwarden works on, parsed and validated strictly:
 * Cloud Run services (projects/P/locations/L/services/S), Cloud KMS keys
 * (projects/P/locations/L/keyRings/R/cryptoKeys/K) and IAM members
 * (user:/group:/serviceAccount: + email). Short names are resolved against
 * flags and the policy's defaults. Pure; results are values, never throws.
 */

export const PROJECT_ID = /^[a-z][a-z0-9-]{4,28}[a-z0-9]$/;
/** us-central1, europe-west1 — and europe-west10/12, which have two digits. */
export const REGION = /^[a-z]+-[a-z]+[0-9]{1,2}$/;
export const SERVICE_ID = /^[a-z]([a-z0-9-]{0,47}[a-z0-9])?$/;
/** KMS locations: global, multi-regions (us, europe, nam4…) and regions. */
export const KMS_LOCATION = /^[a-z](?:[a-z0-9-]{0,30}[a-z0-9])?$/;
export const KEY_PART = /^[a-zA-Z0-9_-]{1,63}$/;
/** roles/x.y (predefined), projects/P/roles/R or organizations/O/roles/R (custom) */
export const ROLE_NAME =
  /^(?:roles\/[A-Za-z0-9_]+\.[A-Za-z0-9_.]+|projects\/[a-z][a-z0-9-]{4,28}[a-z0-9]\/roles\/[A-Za-z0-9_.]{3,64}|organizations\/[0-9]{1,20}\/roles\/[A-Za-z0-9_.]{3,64})$/;
export const EMAIL = /^[A-Za-z0-9._%+'-]{1,64}@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$/;

export interface ServiceName {
  name: string;
  project: string;
  region: string;
  service: string;
}

export interface KeyName {
  name: string;
  project: string;
  location: string;
  keyRing: string;
  cryptoKey: string;
}

export type Resolved<T> = ({ ok: true } & T) | { ok: false; error: string };

export function serviceName(project: string, region: string, service: string): string {
  return `projects/${project}/locations/${region}/services/${service}`;
}

export function keyName(project: string, location: string, keyRing: string, cryptoKey: string): string {
  return `projects/${project}/locations/${location}/keyRings/${keyRing}/cryptoKeys/${cryptoKey}`;
}

/** The parts of a full service name, or undefined unless every segment is valid. */
export function parseServiceName(full: string): ServiceName | undefined {
  const parts = full.split('/');
  if (parts.length !== 6 || parts[0] !== 'projects' || parts[2] !== 'locations' || parts[4] !== 'services') {
    return undefined;
  }
  const [, project = '', , region = '', , service = ''] = parts;
  if (!PROJECT_ID.test(project) || !REGION.test(region) || !SERVICE_ID.test(service)) return undefined;
  return { name: full, project, region, service };
}

/** The parts of a full key name, or undefined unless every segment is valid. */
export function parseKeyName(full: string): KeyName | undefined {
  const parts = full.split('/');
  if (parts.length !== 8 || parts[0] !== 'projects' || parts[2] !== 'locations' || parts[4] !== 'keyRings' || parts[6] !== 'cryptoKeys') {
    return undefined;
  }
  const [, project = '', , location = '', , keyRing = '', , cryptoKey = ''] = parts;
  if (!PROJECT_ID.test(project) || !KMS_LOCATION.test(location)) return undefined;
  if (!KEY_PART.test(keyRing) || !KEY_PART.test(cryptoKey)) return undefined;
  return { name: full, project, location, keyRing, cryptoKey };
}

const SERVICE_HINT = 'use a short name like `payments` or projects/P/locations/L/services/S';
const KEY_HINT = 'use `ring/key` or projects/P/locations/L/keyRings/R/cryptoKeys/K';

/** Why `text` cannot name a service (short or full), or undefined. */
export function serviceNameProblem(text: string): string | undefined {
  const valid = text.includes('/') ? parseServiceName(text) !== undefined : SERVICE_ID.test(text);
  return valid ? undefined : `\`${text}\` is not a Cloud Run service name: ${SERVICE_HINT}`;
}

/** Why `text` cannot name a key (`ring/key` or full), or undefined. */
export function keyNameProblem(text: string): string | undefined {
  const parts = text.split('/');
  const valid = parts.length === 2 ? parts.every((part) => KEY_PART.test(part)) : parseKeyName(text) !== undefined;
  return valid ? undefined : `\`${text}\` is not a Cloud KMS key name: ${KEY_HINT}`;
}

function badProject(project: string): { ok: false; error: string } {
  return { ok: false, error: `\`${project}\` is not a Google Cloud project id` };
}

/**
 * A service named short (`S`, project and region from flags, else defaults) or
 * in full; a full name with a conflicting --project/--region is refused.
 */
export function resolveServiceName(
  input: string,
  flags: { project?: string | undefined; region?: string | undefined },
  defaults: { project?: string | undefined; region?: string | undefined },
): Resolved<ServiceName> {
  const text = input.trim();
  const problem = serviceNameProblem(text);
  if (problem !== undefined) return { ok: false, error: problem };
  const parsed = parseServiceName(text);
  if (parsed) {
    if (flags.project !== undefined && flags.project !== parsed.project) {
      return { ok: false, error: `--project ${flags.project} conflicts with the project in ${text}` };
    }
    if (flags.region !== undefined && flags.region !== parsed.region) {
      return { ok: false, error: `--region ${flags.region} conflicts with the region in ${text}` };
    }
    return { ok: true, ...parsed };
  }
  const project = flags.project ?? defaults.project;
  if (project === undefined) {
    return { ok: false, error: 'no project for a short name: give --project, a full name, or defaults.project in the policy' };
  }
  if (!PROJECT_ID.test(project)) return badProject(project);
  const region = flags.region ?? defaults.region;
  if (region === undefined) {
    return { ok: false, error: 'no region for a short name: give --region, a full name, or defaults.region in the policy' };
  }
  if (!REGION.test(region)) return { ok: false, error: `\`${region}\` is not a Cloud Run region` };
  return { ok: true, name: serviceName(project, region, text), project, region, service: text };
}

/** A key named `ring/key` (project and location from defaults) or in full. */
export function resolveKeyName(
  input: string,
  defaults: { project?: string | undefined; kmsLocation?: string | undefined },
): Resolved<KeyName> {
  const text = input.trim();
  const problem = keyNameProblem(text);
  if (problem !== undefined) return { ok: false, error: problem };
  const parsed = parseKeyName(text);
  if (parsed) return { ok: true, ...parsed };
  const [keyRing = '', cryptoKey = ''] = text.split('/');
  const project = defaults.project;
  if (project === undefined) {
    return { ok: false, error: 'no project for a short key name: give a full key name, or set defaults.project in the policy' };
  }
  if (!PROJECT_ID.test(project)) return badProject(project);
  const location = defaults.kmsLocation;
  if (location === undefined) {
    return { ok: false, error: 'no KMS location for a short key name: give a full key name, or set defaults.kmsLocation in the policy' };
  }
  if (!KMS_LOCATION.test(location)) return { ok: false, error: `\`${location}\` is not a Cloud KMS location` };
  return { ok: true, name: keyName(project, location, keyRing, cryptoKey), project, location, keyRing, cryptoKey };
}

export const MEMBER_TYPES = ['user', 'group', 'serviceAccount'] as const;
export type MemberType = (typeof MEMBER_TYPES)[number];

export interface Member {
  type: MemberType;
  /** lower-cased */
  email: string;
  /** lower-cased domain of the email */
  domain: string;
  /** `${type}:${email}` as IAM writes it */
  member: string;
}

/** `user:…`, `group:…` or `serviceAccount:…` + an email; anything else (allUsers, domain:…) is undefined. */
export function parseMember(text: string): Member | undefined {
  const colon = text.indexOf(':');
  if (colon < 0) return undefined;
  const type = MEMBER_TYPES.find((candidate) => candidate === text.slice(0, colon));
  const email = text.slice(colon + 1);
  if (type === undefined || !EMAIL.test(email)) return undefined;
  const lower = email.toLowerCase();
  return { type, email: lower, domain: lower.slice(lower.indexOf('@') + 1), member: `${type}:${lower}` };
}
