/**
 * The Terraform grants exactly what the code calls: the custom roles in
 * infra/iam.tf equal the permission manifest (src/adapters/gcp/permissions.ts),
 * and every Google client method called anywhere in production code is in the
 * manifest (found with the TypeScript type checker, so a new call fails here
 * until its permission is listed and granted).
 */
import { PERMISSION_MANIFEST, permissionsOf } from '../../../src/adapters/gcp/permissions';
import { googleClientCalls } from '../../support/clientCalls';
import { nested, readTerraform, type TerraformModule } from '../../support/terraform';

/** Client lifecycle methods that send no API request. */
const NOT_AN_API_CALL = new Set(['close']);

/** The narrow client interfaces of the adapters stand for these library classes. */
const ADAPTER_CLIENT_OWNERS: Record<string, string> = {
  IamPolicyClient: 'ServicesClient',
  RunServicesClient: 'ServicesClient',
  KmsKeysClient: 'KeyManagementServiceClient',
};

const sorted = (values: unknown): string[] => [...(values as string[])].sort();

describe('the Terraform custom roles equal the permission manifest', () => {
  let tf: TerraformModule;
  beforeAll(async () => {
    tf = await readTerraform();
  }, 60_000);

  it('declares the four runwarden project roles, one organization role (posture on folders and organizations) and no other custom role', () => {
    expect(Object.keys(tf.resources('google_project_iam_custom_role')).sort()).toEqual(['act_as', 'cloud_run', 'kms', 'posture']);
    expect(Object.keys(tf.resources('google_organization_iam_custom_role'))).toEqual(['posture']);
  });

  it('the posture roles hold exactly the manifest cloudasset.* permissions, read-only, granted at each posture scope', () => {
    expect(permissionsOf('postureScope')).toEqual(['cloudasset.assets.searchAllIamPolicies', 'cloudasset.assets.searchAllResources']);
    const locals = tf.locals();
    expect(sorted(locals.posture_permissions)).toEqual(permissionsOf('postureScope'));
    for (const role of [tf.resources('google_project_iam_custom_role').posture, tf.resources('google_organization_iam_custom_role').posture]) {
      expect(role?.permissions).toBe('${local.posture_permissions}');
    }
    // bound on the scope entries, never more widely: project scopes on their project, folders and organizations on themselves
    expect(tf.resources('google_project_iam_member').posture).toMatchObject({ for_each: '${local.posture_projects}', project: '${each.key}', role: '${google_project_iam_custom_role.posture[each.key].id}' });
    expect(tf.resources('google_folder_iam_member').posture).toMatchObject({ for_each: '${local.posture_folders}', folder: '${each.key}' });
    expect(tf.resources('google_organization_iam_member').posture).toMatchObject({ for_each: '${local.posture_organizations}', org_id: '${each.key}' });
    // Asset Inventory's one other need: serviceusage.services.use on runwarden's own project (a read-only predefined role)
    expect(tf.resources('google_project_iam_member').posture_service_usage).toMatchObject({ project: '${var.project_id}', role: 'roles/serviceusage.serviceUsageConsumer' });
  });

  it('the Cloud Run role holds exactly the manifest run.* permissions', () => {
    const role = tf.resources('google_project_iam_custom_role').cloud_run;
    expect(sorted(role?.permissions)).toEqual(permissionsOf('project', 'run'));
  });

  it('the KMS role holds exactly the manifest cloudkms.* permissions', () => {
    const role = tf.resources('google_project_iam_custom_role').kms;
    expect(sorted(role?.permissions)).toEqual(permissionsOf('project', 'cloudkms'));
  });

  it('the act-as role holds exactly the service-account-scoped permissions, bound on listed service accounts only', () => {
    const role = tf.resources('google_project_iam_custom_role').act_as;
    expect(sorted(role?.permissions)).toEqual(permissionsOf('serviceAccount'));
    expect(permissionsOf('serviceAccount')).toEqual(['iam.serviceAccounts.actAs']);
    const bindings = tf.resources('google_service_account_iam_member');
    expect(Object.keys(bindings)).toEqual(['act_as']);
    expect(bindings.act_as?.role).toContain('google_project_iam_custom_role.act_as');
    // never on the project: no project-level binding uses the act-as role or a predefined SA-user role
    for (const binding of Object.values(tf.resources('google_project_iam_member'))) {
      expect(String(binding.role)).not.toMatch(/act_as|serviceAccountUser|serviceAccountTokenCreator/);
    }
  });

  it('every manifest permission is in exactly one role (nothing granted twice or forgotten)', () => {
    const roles = tf.resources('google_project_iam_custom_role');
    const granted = Object.values(roles).flatMap((r) => r.permissions as string[]);
    const manifest = [...permissionsOf('project'), ...permissionsOf('serviceAccount'), ...permissionsOf('postureScope')];
    const postureLocal = tf.locals().posture_permissions as string[];
    expect(granted.flatMap((p) => (p === '${local.posture_permissions}' ? postureLocal : [p])).sort()).toEqual(manifest.sort());
  });

  it('binds the KMS role with a resource-name condition, and the Cloud Run role without one (run.googleapis.com has no resource attributes)', () => {
    const members = tf.resources('google_project_iam_member');
    expect(nested(members.kms ?? {}, 'condition').expression).toContain('resource.name.startsWith');
    expect(members.cloud_run?.condition).toBeUndefined();
  });

  it('gives the runtime identity Firestore access in its own project only', () => {
    const member = tf.resources('google_project_iam_member').runtime_datastore_user;
    expect(member).toMatchObject({ project: '${var.project_id}', role: 'roles/datastore.user' });
  });
});

describe('every Google client method the code calls is in the manifest', () => {
  const calls = googleClientCalls(['src/', 'commands/'], []);
  const key = (owner: string, method: string): string => `${ADAPTER_CLIENT_OWNERS[owner] ?? owner}.${method}`;
  const apiCalls = calls.filter((c) => !NOT_AN_API_CALL.has(c.method));
  const listed = new Set(PERMISSION_MANIFEST.map((e) => `${e.client}.${e.method}`));

  it('finds the adapters\' calls at all (the analysis itself works)', () => {
    expect(apiCalls.map((c) => key(c.owner, c.method))).toEqual(
      expect.arrayContaining(['ServicesClient.updateService', 'LROperation.promise', 'KeyManagementServiceClient.getCryptoKey']),
    );
  });

  it('each call is listed', () => {
    const missing = apiCalls.filter((c) => !listed.has(key(c.owner, c.method))).map((c) => `${key(c.owner, c.method)} at ${c.at}`);
    expect(missing).toEqual([]);
  });

  it('each listed method is called somewhere (no permission is kept for code that is gone)', () => {
    const called = new Set(apiCalls.map((c) => key(c.owner, c.method)));
    expect([...listed].filter((m) => !called.has(m))).toEqual([]);
  });

  it('calls Google only from src/adapters/gcp', () => {
    expect(apiCalls.filter((c) => !c.at.startsWith('src/adapters/gcp/')).map((c) => c.at)).toEqual([]);
  });
});
