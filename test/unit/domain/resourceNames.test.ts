import {
  keyNameProblem,
  parseKeyName,
  parseMember,
  parseServiceName,
  resolveKeyName,
  resolveServiceName,
  serviceNameProblem,
} from '../../../src/domain/resourceNames';

const defaults = { project: 'acme-prod', region: 'us-central1' };
const full = 'projects/acme-prod/locations/us-central1/services/payments';

describe('parseServiceName', () => {
  test('returns the parts of a valid full name', () => {
    expect(parseServiceName(full)).toEqual({ name: full, project: 'acme-prod', region: 'us-central1', service: 'payments' });
  });

  test.each([
    ['a short name', 'payments'],
    ['a misspelt collection', 'projects/acme-prod/location/us-central1/services/payments'],
    ['a trailing slash', `${full}/`],
    ['an extra segment', `${full}/revisions/r1`],
    ['an upper-case project', 'projects/Acme-prod/locations/us-central1/services/payments'],
    ['a project id too short', 'projects/acme/locations/us-central1/services/payments'],
    ['a region without digit', 'projects/acme-prod/locations/uscentral/services/payments'],
    ['a service ending in a hyphen', 'projects/acme-prod/locations/us-central1/services/payments-'],
    ['a service with upper case', 'projects/acme-prod/locations/us-central1/services/Payments'],
    ['a wildcard', 'projects/acme-prod/locations/*/services/payments'],
  ])('refuses %s', (_description, text) => {
    expect(parseServiceName(text)).toBeUndefined();
  });

  test('accepts the two-digit regions Google has (europe-west10)', () => {
    expect(parseServiceName('projects/acme-prod/locations/europe-west10/services/api')?.region).toBe('europe-west10');
  });
});

describe('resolveServiceName', () => {
  test.each([
    ['a short name takes project and region from the defaults', 'payments', {}, defaults, full],
    [
      'flags override the defaults',
      'payments',
      { project: 'acme-stage', region: 'europe-west1' },
      defaults,
      'projects/acme-stage/locations/europe-west1/services/payments',
    ],
    ['a full name needs no defaults', full, {}, {}, full],
    ['a full name with agreeing flags is fine', full, { project: 'acme-prod', region: 'us-central1' }, {}, full],
    ['spaces around the name are ignored', `  payments `, {}, defaults, full],
  ])('%s', (_description, input, flags, givenDefaults, name) => {
    const resolved = resolveServiceName(input, flags, givenDefaults);
    expect(resolved).toMatchObject({ ok: true, name });
  });

  test.each([
    [
      'a full name with another project',
      full,
      { project: 'acme-stage' },
      defaults,
      '--project acme-stage conflicts with the project in ' + full,
    ],
    ['a full name with another region', full, { region: 'us-east1' }, defaults, '--region us-east1 conflicts with the region in ' + full],
    [
      'a short name without any project',
      'payments',
      {},
      { region: 'us-central1' },
      'no project for a short name: give --project, a full name, or defaults.project in the policy',
    ],
    [
      'a short name without any region',
      'payments',
      {},
      { project: 'acme-prod' },
      'no region for a short name: give --region, a full name, or defaults.region in the policy',
    ],
    ['an invalid --project', 'payments', { project: 'ACME' }, defaults, '`ACME` is not a Google Cloud project id'],
    ['an invalid --region', 'payments', { region: 'mars' }, defaults, '`mars` is not a Cloud Run region'],
    [
      'an invalid short name',
      'Payments_API',
      {},
      defaults,
      '`Payments_API` is not a Cloud Run service name: use a short name like `payments` or projects/P/locations/L/services/S',
    ],
    [
      'a path that is not a service',
      'projects/acme-prod/services/x',
      {},
      defaults,
      '`projects/acme-prod/services/x` is not a Cloud Run service name: use a short name like `payments` or projects/P/locations/L/services/S',
    ],
  ])('refuses %s', (_description, input, flags, givenDefaults, error) => {
    expect(resolveServiceName(input, flags, givenDefaults)).toEqual({ ok: false, error });
  });
});

describe('key names', () => {
  const key = 'projects/acme-prod/locations/global/keyRings/run-cmek/cryptoKeys/payments_db';

  test('parseKeyName returns the parts of a full name', () => {
    expect(parseKeyName(key)).toEqual({
      name: key,
      project: 'acme-prod',
      location: 'global',
      keyRing: 'run-cmek',
      cryptoKey: 'payments_db',
    });
  });

  test.each([
    ['the service collection', 'projects/acme-prod/locations/global/services/x'],
    ['a key id with a dot', 'projects/acme-prod/locations/global/keyRings/ring/cryptoKeys/a.b'],
    ['a key id too long', `projects/acme-prod/locations/global/keyRings/ring/cryptoKeys/${'k'.repeat(64)}`],
    ['a key version', `${key}/cryptoKeyVersions/1`],
  ])('parseKeyName refuses %s', (_description, text) => {
    expect(parseKeyName(text)).toBeUndefined();
  });

  test('resolveKeyName resolves ring/key with the defaults', () => {
    expect(resolveKeyName('run-cmek/payments_db', { project: 'acme-prod', kmsLocation: 'global' })).toEqual({
      ok: true,
      ...parseKeyName(key),
    });
  });

  test('resolveKeyName takes a full name as is', () => {
    expect(resolveKeyName(key, {})).toMatchObject({ ok: true, name: key });
  });

  test.each([
    [
      'ring/key without a default project',
      'ring/key',
      { kmsLocation: 'global' },
      'no project for a short key name: give a full key name, or set defaults.project in the policy',
    ],
    [
      'ring/key without a default location',
      'ring/key',
      { project: 'acme-prod' },
      'no KMS location for a short key name: give a full key name, or set defaults.kmsLocation in the policy',
    ],
    [
      'a lone key id',
      'key',
      { project: 'acme-prod', kmsLocation: 'global' },
      '`key` is not a Cloud KMS key name: use `ring/key` or projects/P/locations/L/keyRings/R/cryptoKeys/K',
    ],
    [
      'a ring with a space',
      'my ring/key',
      { project: 'acme-prod', kmsLocation: 'global' },
      '`my ring/key` is not a Cloud KMS key name: use `ring/key` or projects/P/locations/L/keyRings/R/cryptoKeys/K',
    ],
  ])('resolveKeyName refuses %s', (_description, input, givenDefaults, error) => {
    expect(resolveKeyName(input, givenDefaults)).toEqual({ ok: false, error });
  });

  test('the problem helpers agree with the parsers', () => {
    expect(keyNameProblem('ring/key')).toBeUndefined();
    expect(keyNameProblem(key)).toBeUndefined();
    expect(serviceNameProblem('payments')).toBeUndefined();
    expect(serviceNameProblem(full)).toBeUndefined();
  });
});

describe('parseMember', () => {
  test.each([
    [
      'a user',
      'user:alice@acme.example',
      { type: 'user', email: 'alice@acme.example', domain: 'acme.example', member: 'user:alice@acme.example' },
    ],
    [
      'a group, lower-cased',
      'group:Oncall@ACME.example',
      { type: 'group', email: 'oncall@acme.example', domain: 'acme.example', member: 'group:oncall@acme.example' },
    ],
    [
      'a service account',
      'serviceAccount:ci@acme-prod.iam.gserviceaccount.com',
      {
        type: 'serviceAccount',
        email: 'ci@acme-prod.iam.gserviceaccount.com',
        domain: 'acme-prod.iam.gserviceaccount.com',
        member: 'serviceAccount:ci@acme-prod.iam.gserviceaccount.com',
      },
    ],
  ])('parses %s', (_description, text, member) => {
    expect(parseMember(text)).toEqual(member);
  });

  test.each([
    ['allUsers', 'allUsers'],
    ['allAuthenticatedUsers', 'allAuthenticatedUsers'],
    ['a whole domain', 'domain:acme.example'],
    ['a bare email', 'alice@acme.example'],
    ['a wrongly cased type', 'User:alice@acme.example'],
    ['a user without an email', 'user:alice'],
    ['a principal set', 'principalSet://iam.googleapis.com/x'],
    ['an email with a space', 'user:ali ce@acme.example'],
  ])('refuses %s', (_description, text) => {
    expect(parseMember(text)).toBeUndefined();
  });
});
