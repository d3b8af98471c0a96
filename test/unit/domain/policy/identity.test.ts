import { checkMember, resolveIdentity } from '../../../../src/domain/policy/identity';
import { policyFrom } from './specPolicy';

const policy = policyFrom(`
defaults: { channel: C0APPROVALS }
domains: [acme.example, acme-prod.iam.gserviceaccount.com]
identities: { U0ALICE: alice.admin@acme.example }
approverGroups: { platform: [U0BOB] }
rules:
  - { kind: invoker, resources: ["**"], maxDuration: 1h, approvers: platform }
`);

describe('resolveIdentity', () => {
  test.each([
    ['the identities map wins over the Slack email', 'U0ALICE', 'alice@acme.example', 'user:alice.admin@acme.example'],
    ['the Slack email when the map has no entry', 'U0BOB', 'bob@acme.example', 'user:bob@acme.example'],
    ['the domain is compared without regard to case', 'U0BOB', 'Bob@ACME.Example', 'user:bob@acme.example'],
    ['the map even when Slack shows no email', 'U0ALICE', undefined, 'user:alice.admin@acme.example'],
  ])('uses %s', (_description, user, email, member) => {
    expect(resolveIdentity(policy, user, email)).toMatchObject({ ok: true, member });
  });

  test.each([
    [
      'no email and no entry',
      'U0BOB',
      undefined,
      'identity_unknown',
      "runwarden does not know your Google account: your Slack profile shows no email and the policy's identities map has no entry for you.",
    ],
    [
      'an empty email',
      'U0BOB',
      '  ',
      'identity_unknown',
      "runwarden does not know your Google account: your Slack profile shows no email and the policy's identities map has no entry for you.",
    ],
    ['something that is no email', 'U0BOB', 'bob', 'identity_unknown', '`bob` is not an email address runwarden can grant access to.'],
    [
      'an email outside the domains',
      'U0BOB',
      'bob@gmail.com',
      'identity_outside_domains',
      'bob@gmail.com is not in a domain this policy grants access to (acme.example, acme-prod.iam.gserviceaccount.com).',
    ],
    [
      'a look-alike subdomain',
      'U0BOB',
      'bob@evil.acme.example',
      'identity_outside_domains',
      'bob@evil.acme.example is not in a domain this policy grants access to (acme.example, acme-prod.iam.gserviceaccount.com).',
    ],
    [
      'a domain that only ends like an allowed one',
      'U0BOB',
      'bob@notacme.example',
      'identity_outside_domains',
      'bob@notacme.example is not in a domain this policy grants access to (acme.example, acme-prod.iam.gserviceaccount.com).',
    ],
  ])('refuses %s', (_description, user, email, reason, message) => {
    expect(resolveIdentity(policy, user, email)).toEqual({ ok: false, reason, message });
  });
});

describe('checkMember', () => {
  test.each([
    ['a user in the domains', 'user:carol@acme.example', 'user:carol@acme.example'],
    ['a group, lower-cased', 'group:OnCall@acme.example', 'group:oncall@acme.example'],
    [
      'a service account whose domain is listed',
      'serviceAccount:ci@acme-prod.iam.gserviceaccount.com',
      'serviceAccount:ci@acme-prod.iam.gserviceaccount.com',
    ],
  ])('accepts %s', (_description, member, normalised) => {
    expect(checkMember(policy, member)).toEqual({ ok: true, member: normalised });
  });

  test.each([
    ['allUsers', 'allUsers', '`allUsers` is not a member runwarden grants to: use user:EMAIL, group:EMAIL or serviceAccount:EMAIL.'],
    [
      'a whole domain',
      'domain:acme.example',
      '`domain:acme.example` is not a member runwarden grants to: use user:EMAIL, group:EMAIL or serviceAccount:EMAIL.',
    ],
    [
      'a user outside the domains',
      'user:eve@gmail.com',
      "user:eve@gmail.com is outside the policy's domains: acme.example, acme-prod.iam.gserviceaccount.com.",
    ],
    [
      'a service account of an unlisted project',
      'serviceAccount:x@other.iam.gserviceaccount.com',
      "serviceAccount:x@other.iam.gserviceaccount.com is outside the policy's domains: acme.example, acme-prod.iam.gserviceaccount.com (service accounts need their other.iam.gserviceaccount.com domain listed there).",
    ],
  ])('refuses %s', (_description, member, message) => {
    expect(checkMember(policy, member)).toEqual({ ok: false, message });
  });
});
