/**
 * Google identities: a Slack user's own (the policy's identities map first,
 * else their Slack profile email, which an adapter looks up) and explicit
 * members, each checked against the policy's domains. Compared lower-cased:
 * Google treats email addresses case-insensitively. Pure.
 */
import { EMAIL, parseMember } from '../resourceNames';
import type { Policy } from './schema';

export type IdentityResult =
  { ok: true; member: string; email: string } | { ok: false; reason: 'identity_unknown' | 'identity_outside_domains'; message: string };

function inDomains(policy: Policy, email: string): boolean {
  const domain = email.slice(email.lastIndexOf('@') + 1).toLowerCase();
  return policy.domains.some((allowed) => allowed.toLowerCase() === domain);
}

/** The requester's own Google identity: the policy's identities map first, else their Slack profile email. */
export function resolveIdentity(policy: Policy, user: string, slackEmail: string | undefined): IdentityResult {
  const email = identityEmail(policy, user, slackEmail);
  if (email === undefined) {
    return {
      ok: false,
      reason: 'identity_unknown',
      message:
        "runwarden does not know your Google account: your Slack profile shows no email and the policy's identities map has no entry for you.",
    };
  }
  if (!EMAIL.test(email)) {
    return { ok: false, reason: 'identity_unknown', message: `\`${email}\` is not an email address runwarden can grant access to.` };
  }
  if (!inDomains(policy, email)) {
    return {
      ok: false,
      reason: 'identity_outside_domains',
      message: `${email} is not in a domain this policy grants access to (${policy.domains.join(', ') || 'none'}).`,
    };
  }
  return { ok: true, member: `user:${email}`, email };
}

/**
 * An explicit --member: user:, group: or serviceAccount: and an email whose
 * domain is listed in `domains` (exact match, case-insensitive). Service
 * accounts therefore need their domain listed, e.g.
 * `acme-prod.iam.gserviceaccount.com`. allUsers, domain:… and the like are refused.
 */
export function checkMember(policy: Policy, member: string): { ok: true; member: string } | { ok: false; message: string } {
  const parsed = parseMember(member.trim());
  if (!parsed) {
    return {
      ok: false,
      message: `\`${member}\` is not a member runwarden grants to: use user:EMAIL, group:EMAIL or serviceAccount:EMAIL.`,
    };
  }
  if (!inDomains(policy, parsed.email)) {
    const hint = parsed.type === 'serviceAccount' ? ` (service accounts need their ${parsed.domain} domain listed there)` : '';
    return { ok: false, message: `${parsed.member} is outside the policy's domains: ${policy.domains.join(', ') || 'none'}${hint}.` };
  }
  return { ok: true, member: parsed.member };
}

/** The email of a member (`user:Bob@acme.example` → `bob@acme.example`), or undefined for anything else. */
export function memberEmail(member: string): string | undefined {
  return parseMember(member)?.email;
}

/**
 * A Slack user's own Google account email, lower-cased: the identities map,
 * else the Slack profile email (users.info; passed in by the caller).
 */
export function identityEmail(policy: Policy, user: string, slackEmail: string | undefined): string | undefined {
  const mapped = Object.hasOwn(policy.identities, user) ? policy.identities[user] : undefined;
  const email = (mapped ?? slackEmail)?.trim().toLowerCase();
  return email === undefined || email === '' ? undefined : email;
}
