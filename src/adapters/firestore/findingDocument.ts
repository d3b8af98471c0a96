/**
 * The Firestore shapes of posture findings (collection `findings`, SPEC §11)
 * and scans (collection `postureScans`), with their zod converters. Documents
 * read back are validated: a malformed one is reported, never guessed at.
 */
import { Timestamp, type DocumentData } from '@google-cloud/firestore';
import { z } from 'zod';
import { FINDING_KINDS, FINDING_STATUSES, type Finding, type FindingKind } from '../../domain/posture/finding';
import type { PostureScan } from '../../ports';

const date = z.union([z.instanceof(Timestamp).transform((t) => t.toDate()), z.date()]);
const optional = <T extends z.ZodTypeAny>(schema: T) => schema.nullish().transform((v) => v ?? undefined);
const level = z.enum(['service', 'project']);

const detailSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('standing_access'),
    role: z.string().min(1),
    members: z.array(z.string().min(1)).min(1),
    level,
    rule: optional(z.string()),
    bindingMembers: z.array(z.string()),
  }),
  z.object({ kind: z.literal('public_service'), roles: z.array(z.string()), members: z.array(z.string()), level }),
  z.object({ kind: z.literal('open_ingress'), ingress: z.enum(['all', 'unspecified']) }),
  z.object({ kind: z.literal('default_service_account'), serviceAccount: optional(z.string()) }),
  z.object({ kind: z.literal('no_cmek'), requiredBy: z.string() }),
  z.object({
    kind: z.literal('key_rotation'),
    rotationPeriodSeconds: optional(z.number()),
    maxRotationSeconds: z.number(),
    services: z.array(z.string()),
    serviceCount: z.number().int().nonnegative(),
  }),
  z.object({
    kind: z.literal('lingering_binding'),
    role: z.string().min(1),
    members: z.array(z.string()),
    title: z.string(),
    expression: z.string(),
    expiredAt: date,
    level,
  }),
]);

export const findingDocument = z
  .object({
    kind: z.enum(FINDING_KINDS),
    resource: z.string().min(1),
    project: z.string(),
    scope: z.string().min(1),
    severity: z.number(),
    status: z.enum(FINDING_STATUSES),
    detail: detailSchema,
    firstSeenAt: date,
    lastSeenAt: date,
    scanId: z.string().min(1),
    resolvedAt: optional(date),
    reopenedAt: optional(date),
    convertedBy: optional(z.string()),
  })
  .refine((d) => d.detail.kind === d.kind, { message: 'detail.kind differs from kind' });

export type ParsedFinding = { ok: true; finding: Finding } | { ok: false; problem: string };

export function parseFinding(id: string, data: DocumentData | undefined): ParsedFinding {
  const parsed = findingDocument.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, problem: `${issue?.path.join('.') || 'document'}: ${issue?.message ?? 'malformed'}` };
  }
  return { ok: true, finding: { id, ...parsed.data } };
}

/** Plain data without its undefined fields (Firestore refuses them unless told to ignore them); dates kept as they are. */
export function withoutUndefined(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutUndefined);
  if (value instanceof Date || value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => [k, withoutUndefined(v)]),
  );
}

/** A finding as stored (the document id is the finding's id). */
export function findingToDocument(finding: Finding): DocumentData {
  const { id: _id, ...rest } = finding;
  return withoutUndefined(rest) as DocumentData;
}

const counts = z.object(
  Object.fromEntries(FINDING_KINDS.map((k) => [k, z.number().int().nonnegative()])) as Record<FindingKind, z.ZodNumber>,
);

export const scanDocument = z.object({
  startedAt: date,
  finishedAt: date,
  scopes: z.array(z.object({ scope: z.string(), ok: z.boolean(), problem: optional(z.string()) })),
  found: counts,
  open: counts,
  created: z.number().int().nonnegative(),
  reopened: z.number().int().nonnegative(),
  resolved: z.number().int().nonnegative(),
  assetCalls: z.number().int().nonnegative(),
  summary: z.object({
    status: z.enum(['owed', 'posted', 'skipped', 'failed']),
    attempts: z.number().int().nonnegative(),
    error: optional(z.string()),
  }),
});

export function parseScan(id: string, data: DocumentData | undefined): PostureScan | undefined {
  const parsed = scanDocument.safeParse(data);
  return parsed.success ? { id, ...parsed.data } : undefined;
}

/** The scan lease (postureState/scanLease): one posture scan at a time. */
export const leaseDocument = z.object({ holder: z.string().min(1), until: date });
