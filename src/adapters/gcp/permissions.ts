/**
 * The permission manifest: every Google client method runwarden's adapters
 * call, the gRPC method it sends, and the IAM permissions Google checks for
 * it. infra/iam.tf grants exactly these (test/unit/infra/customRole.test.ts
 * compares the Terraform with this list, and checks that every client method
 * called under src/ is listed here; test/integration/gcp/permissionManifest
 * checks the gRPC methods against the emulator's call log).
 *
 * Scopes:
 * - `project`: in the runwarden custom roles bound on each managed project;
 * - `serviceAccount`: granted only on the service accounts listed in the
 *   Terraform variable (never project-wide): UpdateService must "act as" the
 *   runtime service account of the service it changes.
 * - `postureScope`: in the posture role, bound on each posture.scope entry
 *   (project, folder or organization: infra/posture.tf), read-only.
 *
 * Sources (Google's documentation, checked one by one):
 * - Cloud Run: https://cloud.google.com/run/docs/reference/iam/permissions
 *   (run.services.*, run.locations.list) and roles
 *   https://cloud.google.com/run/docs/reference/iam/roles (run.operations.*
 *   is in roles/run.developer; GetOperation on the v2 operations resource);
 *   actAs: https://cloud.google.com/run/docs/configuring/services/service-accounts
 *   ("creating or updating a service ... require[s] the deployer account to
 *   have permissions on the service identity resource").
 * - Cloud Asset Inventory: https://cloud.google.com/asset-inventory/docs/access-control
 *   (SearchAllResources: cloudasset.assets.searchAllResources,
 *   SearchAllIamPolicies: cloudasset.assets.searchAllIamPolicies, each on the
 *   scope searched; every call also needs serviceusage.services.use on the
 *   calling project, granted in infra/posture.tf).
 * - Cloud KMS REST reference, "Authorization requires the following IAM
 *   permission" on each method page: cryptoKeys.get, cryptoKeys.patch and
 *   cryptoKeys.updatePrimaryVersion (cloudkms.cryptoKeys.update),
 *   cryptoKeyVersions.create, cryptoKeyVersions.get.
 */

export type PermissionScope = 'project' | 'serviceAccount' | 'postureScope';

export type GoogleApi = 'run' | 'cloudkms' | 'cloudasset';

export interface ManifestEntry {
  /** the client library class whose method the adapter calls */
  client: 'ServicesClient' | 'KeyManagementServiceClient' | 'AssetServiceClient' | 'LROperation';
  /** the method called on it (google-gax's LROperation.promise() polls GetOperation) */
  method: string;
  /** the gRPC method on the wire, "package.Service/Method" */
  rpc: string;
  /** the port methods that reach it */
  usedBy: readonly string[];
  api: GoogleApi;
  permissions: readonly { permission: string; scope: PermissionScope }[];
}

const project = (permission: string) => ({ permission, scope: 'project' as const });

export const PERMISSION_MANIFEST: readonly ManifestEntry[] = [
  {
    client: 'ServicesClient',
    method: 'getService',
    rpc: 'google.cloud.run.v2.Services/GetService',
    usedBy: ['ServicesPort.getService', 'ServicesPort.updateSetting'],
    api: 'run',
    permissions: [project('run.services.get')],
  },
  {
    client: 'ServicesClient',
    method: 'listServicesAsync',
    rpc: 'google.cloud.run.v2.Services/ListServices',
    usedBy: ['ServicesPort.listServices'],
    api: 'run',
    permissions: [project('run.services.list')],
  },
  {
    client: 'ServicesClient',
    method: 'listLocationsAsync',
    rpc: 'google.cloud.location.Locations/ListLocations',
    usedBy: ['ServicesPort.listServices (all regions, "-")'],
    api: 'run',
    permissions: [project('run.locations.list')],
  },
  {
    client: 'ServicesClient',
    method: 'updateService',
    rpc: 'google.cloud.run.v2.Services/UpdateService',
    usedBy: ['ServicesPort.updateSetting'],
    api: 'run',
    permissions: [project('run.services.update'), { permission: 'iam.serviceAccounts.actAs', scope: 'serviceAccount' }],
  },
  {
    client: 'LROperation',
    method: 'promise',
    rpc: 'google.longrunning.Operations/GetOperation',
    usedBy: ['ServicesPort.updateSetting'],
    api: 'run',
    permissions: [project('run.operations.get')],
  },
  {
    client: 'ServicesClient',
    method: 'getIamPolicy',
    rpc: 'google.cloud.run.v2.Services/GetIamPolicy',
    usedBy: [
      'IamPolicyPort.addBinding',
      'IamPolicyPort.replaceBinding',
      'IamPolicyPort.removeBinding',
      'IamPolicyPort.getBindings',
      'StandingBindingsPort.removeMembers',
    ],
    api: 'run',
    permissions: [project('run.services.getIamPolicy')],
  },
  {
    client: 'ServicesClient',
    method: 'setIamPolicy',
    rpc: 'google.cloud.run.v2.Services/SetIamPolicy',
    usedBy: [
      'IamPolicyPort.addBinding',
      'IamPolicyPort.replaceBinding',
      'IamPolicyPort.removeBinding',
      'StandingBindingsPort.removeMembers',
    ],
    api: 'run',
    permissions: [project('run.services.setIamPolicy')],
  },
  {
    client: 'KeyManagementServiceClient',
    method: 'getCryptoKey',
    rpc: 'google.cloud.kms.v1.KeyManagementService/GetCryptoKey',
    usedBy: ['KeysPort.getKey', 'KeysPort.createVersion'],
    api: 'cloudkms',
    permissions: [project('cloudkms.cryptoKeys.get')],
  },
  {
    client: 'KeyManagementServiceClient',
    method: 'createCryptoKeyVersion',
    rpc: 'google.cloud.kms.v1.KeyManagementService/CreateCryptoKeyVersion',
    usedBy: ['KeysPort.createVersion'],
    api: 'cloudkms',
    permissions: [project('cloudkms.cryptoKeyVersions.create')],
  },
  {
    client: 'KeyManagementServiceClient',
    method: 'getCryptoKeyVersion',
    rpc: 'google.cloud.kms.v1.KeyManagementService/GetCryptoKeyVersion',
    usedBy: ['KeysPort.waitUntilEnabled (a new HSM version still PENDING_GENERATION)'],
    api: 'cloudkms',
    permissions: [project('cloudkms.cryptoKeyVersions.get')],
  },
  {
    client: 'KeyManagementServiceClient',
    method: 'updateCryptoKeyPrimaryVersion',
    rpc: 'google.cloud.kms.v1.KeyManagementService/UpdateCryptoKeyPrimaryVersion',
    usedBy: ['KeysPort.makePrimary'],
    api: 'cloudkms',
    permissions: [project('cloudkms.cryptoKeys.update')],
  },
  {
    client: 'KeyManagementServiceClient',
    method: 'updateCryptoKey',
    rpc: 'google.cloud.kms.v1.KeyManagementService/UpdateCryptoKey',
    usedBy: ['KeysPort.setRotationSchedule'],
    api: 'cloudkms',
    permissions: [project('cloudkms.cryptoKeys.update')],
  },
  {
    client: 'AssetServiceClient',
    method: 'searchAllResources',
    rpc: 'google.cloud.asset.v1.AssetService/SearchAllResources',
    usedBy: ['AssetInventoryPort.services', 'AssetInventoryPort.keys'],
    api: 'cloudasset',
    permissions: [{ permission: 'cloudasset.assets.searchAllResources', scope: 'postureScope' }],
  },
  {
    client: 'AssetServiceClient',
    method: 'searchAllIamPolicies',
    rpc: 'google.cloud.asset.v1.AssetService/SearchAllIamPolicies',
    usedBy: ['AssetInventoryPort.policies'],
    api: 'cloudasset',
    permissions: [{ permission: 'cloudasset.assets.searchAllIamPolicies', scope: 'postureScope' }],
  },
];

/** The distinct permissions of one scope (and optionally one API), sorted. */
export function permissionsOf(scope: PermissionScope, api?: GoogleApi): string[] {
  const all = PERMISSION_MANIFEST.filter((entry) => api === undefined || entry.api === api).flatMap((entry) =>
    entry.permissions.filter((p) => p.scope === scope).map((p) => p.permission),
  );
  return [...new Set(all)].sort();
}
