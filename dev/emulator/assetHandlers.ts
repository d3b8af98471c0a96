/**
 * google.cloud.asset.v1.AssetService: SearchAllResources and
 * SearchAllIamPolicies over the emulator's own state (assetModel.ts), strict
 * like Google where the scan depends on it:
 * - `scope` must be projects/{PROJECT_ID|PROJECT_NUMBER}, folders/{NUMBER} or
 *   organizations/{NUMBER} (INVALID_ARGUMENT otherwise); a scope the caller
 *   may not read, or that names nothing, is PERMISSION_DENIED (Google answers
 *   both alike);
 * - `asset_types` must name types the emulator serves; regular expressions
 *   and unknown types are INVALID_ARGUMENT;
 * - `query` and `order_by` are not supported: anything but empty is REFUSED
 *   (INVALID_ARGUMENT), never ignored, so a scan cannot silently get more
 *   than it asked for;
 * - `read_mask` paths must be ResourceSearchResult fields ("*" for all);
 *   without one, `versioned_resources` is not returned (as on Google);
 * - paging: `page_size` ≤ 0 means the default (100), capped at 500; the page
 *   token is opaque and valid only with the same other parameters.
 * Every method other than these two is UNIMPLEMENTED.
 */
import { createHash } from 'node:crypto';
import { status } from '@grpc/grpc-js';
import { z } from 'zod';
import {
  DEFAULT_RESOURCE_FIELDS,
  KEY_TYPE,
  PROJECT_TYPE,
  RESOURCE_FIELDS,
  SERVICE_TYPE,
  policyHits,
  projectsInScope,
  resourceHits,
  type SearchRecord,
} from './assetModel';
import { invalidArgument, RpcError, unimplemented } from './rpcError';
import { fieldMaskSchema, parseRequest } from './wire';
import type { Handlers } from './rpc';
import type { EmulatorState } from './state';

const DEFAULT_PAGE_SIZE = 100;
const MAX_PAGE_SIZE = 500;
const SCOPE = /^(?:projects\/(?:[a-z][a-z0-9-]{4,28}[a-z0-9]|[0-9]{1,20})|folders\/[0-9]{1,20}|organizations\/[0-9]{1,20})$/;

const RESOURCE_TYPES = [SERVICE_TYPE, KEY_TYPE] as const;
const POLICY_TYPES = [SERVICE_TYPE, KEY_TYPE, PROJECT_TYPE] as const;

const common = z.object({
  scope: z.string().optional(),
  query: z.string().optional(),
  assetTypes: z.array(z.string()).optional(),
  pageSize: z.number().optional(),
  pageToken: z.string().optional(),
  orderBy: z.string().optional(),
});
const resourcesSchema = common.extend({ readMask: fieldMaskSchema.optional() });

type Common = z.infer<typeof common>;

const permissionDenied = (permission: string, scope: string): RpcError =>
  new RpcError(status.PERMISSION_DENIED, `The caller does not have permission ${permission} on ${scope}, or it does not exist.`);

function checkScope(state: EmulatorState, scope: string | undefined, permission: string): Set<string> {
  if (!scope)
    throw invalidArgument(
      'scope is required: projects/{PROJECT_ID}, projects/{PROJECT_NUMBER}, folders/{FOLDER_NUMBER} or organizations/{ORGANIZATION_NUMBER}',
    );
  if (!SCOPE.test(scope)) {
    throw invalidArgument(
      `Invalid scope '${scope}': expected projects/{PROJECT_ID}, projects/{PROJECT_NUMBER}, folders/{FOLDER_NUMBER} or organizations/{ORGANIZATION_NUMBER}`,
    );
  }
  const projects = projectsInScope(state, scope);
  if (projects === undefined) throw permissionDenied(permission, scope);
  // a project denied by id is denied by number too
  const key = (name: string): string =>
    name.startsWith('projects/') ? `projects/${[...(projectsInScope(state, name) ?? [])][0] ?? name}` : name;
  if ([...state.asset.deniedScopes].some((denied) => key(denied) === key(scope))) throw permissionDenied(permission, scope);
  return projects;
}

function checkQuery(request: Common): void {
  if (request.query !== undefined && request.query.trim() !== '') {
    throw invalidArgument(
      `Query syntax is not supported by the runwarden emulator: '${request.query}' (it serves asset_types filters only; a query would drop bindings from the returned policies)`,
    );
  }
  if (request.orderBy !== undefined && request.orderBy.trim() !== '') {
    throw invalidArgument(`order_by is not supported by the runwarden emulator: '${request.orderBy}'`);
  }
}

function checkTypes(requested: readonly string[] | undefined, served: readonly string[]): Set<string> {
  if (requested === undefined || requested.length === 0) return new Set(served);
  for (const type of requested) {
    if (served.includes(type)) continue;
    if (/[*+?()[\]{}|^$\\]/.test(type))
      throw invalidArgument(`Regular expressions in asset_types are not supported by the runwarden emulator: '${type}'`);
    throw invalidArgument(
      `Asset type '${type}' is not supported by this search in the runwarden emulator (it serves ${served.join(', ')})`,
    );
  }
  return new Set(requested);
}

function checkMask(paths: readonly string[] | undefined): ReadonlySet<string> | 'all' {
  if (paths === undefined || paths.length === 0) return DEFAULT_RESOURCE_FIELDS;
  if (paths.includes('*')) {
    if (paths.length > 1) throw invalidArgument('read_mask "*" cannot be combined with other paths');
    return 'all';
  }
  const known: readonly string[] = RESOURCE_FIELDS;
  for (const path of paths) {
    // proto-loader hands the mask over as written on the wire (snake_case or camelCase both reach Google as field paths)
    const camel = path.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
    if (!known.includes(camel)) throw invalidArgument(`Invalid read_mask path '${path}': not a field of ResourceSearchResult`);
  }
  return new Set(paths.map((p) => p.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase())));
}

/** A fingerprint of every parameter but the page token: a token is valid only with the same ones. */
function fingerprint(method: string, request: Record<string, unknown>): string {
  const { pageToken: _ignored, ...rest } = request;
  return createHash('sha256')
    .update(method)
    .update(JSON.stringify(rest, Object.keys(rest).sort()))
    .digest('base64url')
    .slice(0, 12);
}

function paged<T extends SearchRecord>(
  method: string,
  request: Common & Record<string, unknown>,
  hits: T[],
): { items: T[]; nextPageToken: string } {
  const size = request.pageSize !== undefined && request.pageSize > 0 ? Math.min(request.pageSize, MAX_PAGE_SIZE) : DEFAULT_PAGE_SIZE;
  const print = fingerprint(method, request);
  let start = 0;
  if (request.pageToken) {
    const decoded = /^a:([A-Za-z0-9_-]{12}):(.+)$/.exec(Buffer.from(request.pageToken, 'base64url').toString('utf8'));
    if (!decoded || decoded[1] !== print) {
      throw invalidArgument(
        `Invalid page_token '${request.pageToken}': it must come from the previous response of the same request (every other parameter identical)`,
      );
    }
    // the next page starts after the last name shown: stable while resources come and go
    const after = decoded[2] ?? '';
    start = hits.findIndex((hit) => hit.name > after);
    if (start < 0) start = hits.length;
  }
  const items = hits.slice(start, start + size);
  const last = items[items.length - 1];
  const more = start + size < hits.length && last !== undefined;
  return { items, nextPageToken: more ? Buffer.from(`a:${print}:${last.name}`, 'utf8').toString('base64url') : '' };
}

export function assetHandlers(state: EmulatorState): Handlers {
  const handlers: Handlers = {
    SearchAllResources(raw) {
      const request = parseRequest(resourcesSchema, raw);
      const projects = checkScope(state, request.scope, 'cloudasset.assets.searchAllResources');
      checkQuery(request);
      const types = checkTypes(request.assetTypes, RESOURCE_TYPES);
      const mask = checkMask(request.readMask?.paths);
      const hits = resourceHits(state).filter((hit) => types.has(hit.assetType) && projects.has(hit.projectId));
      const { items, nextPageToken } = paged('SearchAllResources', request, hits);
      return { results: items.map((hit) => hit.result(mask)), nextPageToken };
    },
    SearchAllIamPolicies(raw) {
      const request = parseRequest(common, raw);
      const projects = checkScope(state, request.scope, 'cloudasset.assets.searchAllIamPolicies');
      checkQuery(request);
      const types = checkTypes(request.assetTypes, POLICY_TYPES);
      const hits = policyHits(state).filter((hit) => types.has(hit.assetType) && projects.has(hit.projectId));
      const { items, nextPageToken } = paged('SearchAllIamPolicies', request, hits);
      return { results: items.map((hit) => hit.result()), nextPageToken };
    },
  };
  for (const method of [
    'ExportAssets',
    'ListAssets',
    'BatchGetAssetsHistory',
    'AnalyzeIamPolicy',
    'QueryAssets',
    'BatchGetEffectiveIamPolicies',
  ]) {
    handlers[method] = () => {
      throw unimplemented(`${method} is not served by the runwarden emulator`);
    };
  }
  return handlers;
}
