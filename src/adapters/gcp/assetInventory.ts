/**
 * AssetInventoryPort on Cloud Asset Inventory v1 (@google-cloud/asset): the
 * posture scan's only view of the estate, read-only, one page per call
 * (autoPaginate off: memory bounded by the page size, never by the estate).
 *
 * - services / keys: SearchAllResources with `asset_types` =
 *   run.googleapis.com/Service or cloudkms.googleapis.com/CryptoKey and a
 *   `read_mask` of name, assetType, project and versionedResources (not
 *   returned by default): each result's `versioned_resources[].resource` is
 *   the resource's REST JSON. A Cloud Run service is read from its Cloud Run
 *   Admin API v2 version (`ingress`, `template.serviceAccount`,
 *   `template.encryptionKey`) or, when only that is shown, from its v1
 *   Knative version (`metadata.annotations["run.googleapis.com/ingress"]`,
 *   `spec.template.spec.serviceAccountName`,
 *   `spec.template.metadata.annotations["run.googleapis.com/encryption-key"]`);
 *   a key from Cloud KMS v1 (`purpose`, `rotationPeriod` as "<seconds>s").
 * - policies: SearchAllIamPolicies with `asset_types` = run.googleapis.com/Service
 *   and cloudresourcemanager.googleapis.com/Project and NO query: a query
 *   would return only the bindings matching it, and every binding of these
 *   policies matters (standing, public and expired ones alike).
 *
 * Shapes: google/cloud/asset/v1/asset_service.proto and assets.proto
 * (googleapis), the full resource name formats of
 * https://cloud.google.com/asset-inventory/docs/asset-names. A result the
 * adapter cannot read is skipped and named, never guessed at. Google's errors
 * become WardenErrors (grpcErrors.ts); PERMISSION_DENIED on a scope says which
 * permissions are missing.
 */
import type { AssetServiceClient } from '@google-cloud/asset';
import { z } from 'zod';
import { ErrorCode, WardenError } from '../../domain/errors';
import type { InventoryBinding, InventoryIngress, InventoryKey, InventoryPolicy, InventoryService } from '../../domain/posture/inventory';
import { parseKeyName, parseServiceName } from '../../domain/resourceNames';
import type { AssetInventoryPort, InventoryPage, PageRequest } from '../../ports';
import { GrpcCode, grpcCode, toWardenError } from './grpcErrors';

/** The part of AssetServiceClient this adapter uses. */
export type AssetClient = Pick<AssetServiceClient, 'searchAllResources' | 'searchAllIamPolicies'>;

export interface AssetInventoryDeps {
  client: AssetClient;
  /** deadline of each call, gax's retries included; default 60 000 ms */
  callTimeoutMs?: number | undefined;
}

export const SERVICE_ASSET_TYPE = 'run.googleapis.com/Service';
export const KEY_ASSET_TYPE = 'cloudkms.googleapis.com/CryptoKey';
export const PROJECT_ASSET_TYPE = 'cloudresourcemanager.googleapis.com/Project';
const READ_MASK = { paths: ['name', 'assetType', 'project', 'versionedResources'] };

const RUN_PREFIX = '//run.googleapis.com/';
const KMS_PREFIX = '//cloudkms.googleapis.com/';
const PROJECT_PREFIX = '//cloudresourcemanager.googleapis.com/';

// ---------------------------------------------------------------- google.protobuf.Struct → JSON

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

const valueSchema: z.ZodType<Json> = z.lazy(() =>
  z
    .object({
      nullValue: z.unknown().optional(),
      numberValue: z.number().nullish(),
      stringValue: z.string().nullish(),
      boolValue: z.boolean().nullish(),
      structValue: structSchema.nullish(),
      listValue: z.object({ values: z.array(valueSchema).nullish() }).nullish(),
      kind: z.string().nullish(),
    })
    .transform((v): Json => {
      if (v.structValue !== undefined && v.structValue !== null) return v.structValue;
      if (v.listValue !== undefined && v.listValue !== null) return v.listValue.values ?? [];
      if (typeof v.stringValue === 'string') return v.stringValue;
      if (typeof v.numberValue === 'number') return v.numberValue;
      if (typeof v.boolValue === 'boolean') return v.boolValue;
      return null;
    }),
);
const structSchema: z.ZodType<{ [key: string]: Json }> = z.lazy(() =>
  z.object({ fields: z.record(z.string(), valueSchema).nullish() }).transform((s) => s.fields ?? {}),
);

// ---------------------------------------------------------------- the results

const versionedSchema = z.object({ version: z.string().nullish(), resource: structSchema.nullish() });
const resourceResultSchema = z.object({
  name: z.string().min(1),
  assetType: z.string().nullish(),
  project: z.string().nullish(),
  versionedResources: z.array(versionedSchema).nullish(),
});

const serviceV2Schema = z.object({
  ingress: z.string().nullish(),
  template: z.object({ serviceAccount: z.string().nullish(), encryptionKey: z.string().nullish() }).nullish(),
});
const annotations = z.record(z.string(), z.unknown()).nullish();
const serviceV1Schema = z.object({
  metadata: z.object({ annotations }).nullish(),
  spec: z
    .object({
      template: z
        .object({
          metadata: z.object({ annotations }).nullish(),
          spec: z.object({ serviceAccountName: z.string().nullish() }).nullish(),
        })
        .nullish(),
    })
    .nullish(),
});
const keyV1Schema = z.object({ purpose: z.string().nullish(), rotationPeriod: z.string().nullish() });

const conditionSchema = z.object({ title: z.string().nullish(), description: z.string().nullish(), expression: z.string().nullish() });
const policyResultSchema = z.object({
  resource: z.string().min(1),
  assetType: z.string().nullish(),
  project: z.string().nullish(),
  policy: z
    .object({
      bindings: z
        .array(z.object({ role: z.string().nullish(), members: z.array(z.string()).nullish(), condition: conditionSchema.nullish() }))
        .nullish(),
    })
    .nullish(),
});
const responseSchema = z.object({ nextPageToken: z.string().nullish() }).nullish();

const V2_INGRESS: Record<string, InventoryIngress> = {
  INGRESS_TRAFFIC_ALL: 'all',
  INGRESS_TRAFFIC_INTERNAL_ONLY: 'internal',
  INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER: 'internal-and-cloud-load-balancing',
  INGRESS_TRAFFIC_NONE: 'none',
};
const V1_INGRESS: Record<string, InventoryIngress> = {
  all: 'all',
  internal: 'internal',
  'internal-and-cloud-load-balancing': 'internal-and-cloud-load-balancing',
  none: 'none',
};

type Read<T> = { ok: true; item: T } | { ok: false; problem: string };

const text = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

/** A Cloud Run service from one search result: its v2 version first, else its v1 (Knative) version. */
export function readService(
  name: string,
  versions: ReadonlyArray<{ version: string; resource: { [key: string]: Json } }>,
): Read<InventoryService> {
  const v2 = versions.find((v) => v.version === 'v2');
  if (v2) {
    const parsed = serviceV2Schema.safeParse(v2.resource);
    if (!parsed.success)
      return {
        ok: false,
        problem: `its v2 resource does not read as a Cloud Run service: ${parsed.error.issues[0]?.message ?? 'malformed'}`,
      };
    const { ingress, template } = parsed.data;
    return {
      ok: true,
      item: {
        name,
        ingress: (ingress ? V2_INGRESS[ingress] : undefined) ?? 'unspecified',
        serviceAccount: text(template?.serviceAccount),
        encryptionKey: text(template?.encryptionKey),
      },
    };
  }
  const v1 = versions.find((v) => v.version === 'v1');
  if (v1) {
    const parsed = serviceV1Schema.safeParse(v1.resource);
    if (!parsed.success)
      return {
        ok: false,
        problem: `its v1 resource does not read as a Cloud Run service: ${parsed.error.issues[0]?.message ?? 'malformed'}`,
      };
    const ingress = text(parsed.data.metadata?.annotations?.['run.googleapis.com/ingress']);
    const template = parsed.data.spec?.template;
    return {
      ok: true,
      item: {
        name,
        // v1: without the annotation, a service accepts all traffic
        ingress: ingress === undefined ? 'all' : (V1_INGRESS[ingress] ?? 'unspecified'),
        serviceAccount: text(template?.spec?.serviceAccountName),
        encryptionKey: text(template?.metadata?.annotations?.['run.googleapis.com/encryption-key']),
      },
    };
  }
  return { ok: false, problem: 'it has no v1 or v2 versioned resource (versionedResources missing from the answer)' };
}

/** A Cloud KMS key from one search result (its v1 version). */
export function readKey(name: string, versions: ReadonlyArray<{ version: string; resource: { [key: string]: Json } }>): Read<InventoryKey> {
  const v1 = versions.find((v) => v.version === 'v1');
  if (!v1) return { ok: false, problem: 'it has no v1 versioned resource (versionedResources missing from the answer)' };
  const parsed = keyV1Schema.safeParse(v1.resource);
  if (!parsed.success || !parsed.data.purpose)
    return { ok: false, problem: 'its v1 resource does not read as a Cloud KMS key (no purpose)' };
  const period = parsed.data.rotationPeriod;
  const seconds = period ? /^(\d+)(?:\.\d+)?s$/.exec(period)?.[1] : undefined;
  if (period && seconds === undefined) return { ok: false, problem: `its rotationPeriod "${period}" is not a duration in seconds` };
  return {
    ok: true,
    item: { name, purpose: parsed.data.purpose, rotationPeriodSeconds: seconds !== undefined ? Number(seconds) : undefined },
  };
}

function projectPair(projectField: string | null | undefined, name: string): { number: string; id: string } | undefined {
  const number = /^projects\/([0-9]+)$/.exec(projectField ?? '')?.[1];
  const id = name.split('/')[1];
  return number !== undefined && id !== undefined && !/^[0-9]+$/.test(id) ? { number, id } : undefined;
}

export function createAssetInventory(deps: AssetInventoryDeps): AssetInventoryPort {
  const { client } = deps;
  const sizeOf = (page: PageRequest): number => Math.max(1, Math.min(Math.floor(page.size), 500));
  const options = { autoPaginate: false, timeout: deps.callTimeoutMs ?? 60_000 };

  function failure(error: unknown, scope: string, permission: string): WardenError {
    if (grpcCode(error) === GrpcCode.PermissionDenied) {
      return new WardenError(
        ErrorCode.PermissionDenied,
        `runwarden may not read the inventory of ${scope}: it needs ${permission} there (roles/cloudasset.viewer or runwarden's posture role), and the Cloud Asset API enabled.`,
        toWardenError(error, `Asset Inventory scope ${scope}`).operatorMessage,
        { cause: error },
      );
    }
    return toWardenError(error, `Asset Inventory scope ${scope}`);
  }

  async function searchResources<T>(
    scope: string,
    assetType: string,
    request: PageRequest,
    read: (name: string, versions: Array<{ version: string; resource: { [key: string]: Json } }>) => Read<T>,
    prefix: string,
  ): Promise<InventoryPage<T>> {
    let answer: [readonly unknown[], unknown, unknown];
    try {
      answer = await client.searchAllResources(
        {
          scope,
          assetTypes: [assetType],
          pageSize: sizeOf(request),
          readMask: READ_MASK,
          ...(request.token ? { pageToken: request.token } : {}),
        },
        options,
      );
    } catch (error) {
      throw failure(error, scope, 'cloudasset.assets.searchAllResources');
    }
    const [results, , response] = answer;
    const page: InventoryPage<T> = {
      items: [],
      skipped: [],
      projects: [],
      next: responseSchema.parse(response)?.nextPageToken || undefined,
    };
    for (const raw of results) {
      const result = resourceResultSchema.safeParse(raw);
      if (!result.success) {
        page.skipped.push({
          name: '(unnamed)',
          problem: `a search result without a name: ${result.error.issues[0]?.message ?? 'malformed'}`,
        });
        continue;
      }
      const { name: fullName, project, versionedResources } = result.data;
      if (!fullName.startsWith(prefix)) {
        page.skipped.push({ name: fullName, problem: `not a ${assetType} name` });
        continue;
      }
      const name = fullName.slice(prefix.length);
      const versions = (versionedResources ?? []).flatMap((v) =>
        v.version && v.resource ? [{ version: v.version, resource: v.resource }] : [],
      );
      const read_ = read(name, versions);
      if (read_.ok) page.items.push(read_.item);
      else page.skipped.push({ name, problem: read_.problem });
      const pair = projectPair(project, name);
      if (pair) page.projects.push(pair);
    }
    return page;
  }

  return {
    services: (scope, page) =>
      searchResources(
        scope,
        SERVICE_ASSET_TYPE,
        page,
        (name, versions) => (parseServiceName(name) ? readService(name, versions) : { ok: false, problem: 'not a Cloud Run service name' }),
        RUN_PREFIX,
      ),

    keys: (scope, page) =>
      searchResources(
        scope,
        KEY_ASSET_TYPE,
        page,
        (name, versions) => (parseKeyName(name) ? readKey(name, versions) : { ok: false, problem: 'not a Cloud KMS key name' }),
        KMS_PREFIX,
      ),

    async policies(scope, request) {
      let answer: [readonly unknown[], unknown, unknown];
      try {
        answer = await client.searchAllIamPolicies(
          {
            scope,
            assetTypes: [SERVICE_ASSET_TYPE, PROJECT_ASSET_TYPE],
            pageSize: sizeOf(request),
            ...(request.token ? { pageToken: request.token } : {}),
          },
          options,
        );
      } catch (error) {
        throw failure(error, scope, 'cloudasset.assets.searchAllIamPolicies');
      }
      const [results, , response] = answer;
      const page: InventoryPage<InventoryPolicy> = {
        items: [],
        skipped: [],
        projects: [],
        next: responseSchema.parse(response)?.nextPageToken || undefined,
      };
      for (const raw of results) {
        const result = policyResultSchema.safeParse(raw);
        if (!result.success) {
          page.skipped.push({
            name: '(unnamed)',
            problem: `an IAM policy result without a resource: ${result.error.issues[0]?.message ?? 'malformed'}`,
          });
          continue;
        }
        const { resource: fullName, project } = result.data;
        let resource: string;
        let level: InventoryPolicy['level'];
        if (fullName.startsWith(RUN_PREFIX) && parseServiceName(fullName.slice(RUN_PREFIX.length))) {
          resource = fullName.slice(RUN_PREFIX.length);
          level = 'service';
          const pair = projectPair(project, resource);
          if (pair) page.projects.push(pair);
        } else if (/^projects\/[a-z0-9-]+$/.test(fullName.slice(PROJECT_PREFIX.length)) && fullName.startsWith(PROJECT_PREFIX)) {
          resource = fullName.slice(PROJECT_PREFIX.length);
          level = 'project';
        } else {
          page.skipped.push({ name: fullName, problem: 'not the policy of a Cloud Run service or a project' });
          continue;
        }
        const bindings: InventoryBinding[] = (result.data.policy?.bindings ?? []).flatMap((b) => {
          if (!b.role) return [];
          const condition = b.condition?.expression
            ? { title: b.condition.title ?? '', description: b.condition.description ?? undefined, expression: b.condition.expression }
            : undefined;
          return [{ role: b.role, members: b.members ?? [], ...(condition ? { condition } : {}) }];
        });
        page.items.push({ resource, level, bindings });
      }
      return page;
    },
  };
}
