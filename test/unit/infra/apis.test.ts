/**
 * A first apply on an empty project works in one run: every API a resource
 * of infra/ calls is enabled by a google_project_service of infra/, and the
 * resource depends on it — directly (depends_on) or through a resource it
 * references that does. Without that, Terraform creates things in parallel
 * and the first calls fail with "API has not been used in project".
 */
import { readTerraform, type TerraformModule } from '../../support/terraform';

/** The API each resource type calls (prefix of the type → service). */
const API_OF: Array<[RegExp, string]> = [
  [/^google_cloud_run_v2_/, 'run.googleapis.com'],
  [/^google_firestore_/, 'firestore.googleapis.com'],
  [/^google_secret_manager_/, 'secretmanager.googleapis.com'],
  [/^google_cloud_scheduler_/, 'cloudscheduler.googleapis.com'],
  [/^google_service_account$|^google_service_account_iam_|^google_project_iam_custom_role$/, 'iam.googleapis.com'],
  [/^google_logging_/, 'logging.googleapis.com'],
  [/^google_monitoring_/, 'monitoring.googleapis.com'],
  [/^google_bigquery_/, 'bigquery.googleapis.com'],
  [/^google_pubsub_/, 'pubsub.googleapis.com'],
];
/** Enabled by hand before Terraform can run at all (docs/deployment.md, "Before you start"). */
const PREREQUISITES = new Set(['cloudresourcemanager.googleapis.com', 'serviceusage.googleapis.com']);

interface Node {
  address: string;
  block: Record<string, unknown>;
}

function allResources(tf: TerraformModule, types: string[]): Node[] {
  return types.flatMap((type) => Object.entries(tf.resources(type)).map(([name, block]) => ({ address: `${type}.${name}`, block })));
}

/** google_project_service address → the services it enables */
function enablers(tf: TerraformModule): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const [name, block] of Object.entries(tf.resources('google_project_service'))) {
    const forEach = String(block.for_each ?? '');
    const services = forEach ? [...forEach.matchAll(/"([a-z]+\.googleapis\.com)"/g)].map((m) => m[1] ?? '') : [String(block.service)];
    out.set(`google_project_service.${name}`, services);
  }
  return out;
}

describe('APIs of a fresh project (infra/)', () => {
  let tf: TerraformModule;
  let nodes: Node[];
  beforeAll(async () => {
    tf = await readTerraform();
    const text = JSON.stringify(tf);
    void text;
    const types = ['google_cloud_run_v2_service', 'google_cloud_run_v2_service_iam_member', 'google_firestore_database', 'google_firestore_index', 'google_secret_manager_secret', 'google_secret_manager_secret_version', 'google_secret_manager_secret_iam_member', 'google_cloud_scheduler_job', 'google_service_account', 'google_service_account_iam_member', 'google_project_iam_custom_role', 'google_logging_metric', 'google_logging_project_sink', 'google_monitoring_alert_policy', 'google_monitoring_dashboard', 'google_bigquery_dataset', 'google_bigquery_dataset_iam_member', 'google_pubsub_topic', 'google_pubsub_topic_iam_member'];
    nodes = allResources(tf, types);
  }, 60_000);

  it('finds the resources (the reading works)', () => {
    expect(nodes.length).toBeGreaterThan(25);
    expect([...enablers(tf).values()].flat()).toEqual(expect.arrayContaining(['run.googleapis.com', 'monitoring.googleapis.com', 'pubsub.googleapis.com']));
  });

  it('enables every API a resource calls', () => {
    const enabled = new Set([...enablers(tf).values()].flat());
    const needed = new Set(nodes.map((n) => API_OF.find(([type]) => type.test(n.address.split('.')[0] ?? ''))?.[1]).filter((api): api is string => api !== undefined));
    expect([...needed].filter((api) => !enabled.has(api) && !PREREQUISITES.has(api))).toEqual([]);
  });

  it('makes every resource wait for the API it calls: depends_on it, or references a resource that does', () => {
    const enabling = enablers(tf);
    const byAddress = new Map(nodes.map((n) => [n.address, n]));
    const waits = (node: Node, api: string, seen: Set<string>): boolean => {
      if (seen.has(node.address)) return false;
      seen.add(node.address);
      const dependsOn = (Array.isArray(node.block.depends_on) ? node.block.depends_on : []) as string[];
      const direct = dependsOn.some((d) => (enabling.get(d.replace(/^\$\{|\}$/g, '')) ?? []).includes(api));
      if (direct) return true;
      const referenced = [...new Set([...JSON.stringify(node.block).matchAll(/(google_[a-z0-9_]+\.[a-z0-9_]+)/g)].map((m) => m[1] ?? ''))];
      return referenced.some((address) => {
        const other = byAddress.get(address);
        return other !== undefined && other.address !== node.address && waits(other, api, seen);
      }) || dependsOn.some((d) => {
        const other = byAddress.get(d.replace(/^\$\{|\}$/g, ''));
        return other !== undefined && waits(other, api, seen);
      });
    };
    const loose = nodes
      .map((node) => ({ node, api: API_OF.find(([type]) => type.test(node.address.split('.')[0] ?? ''))?.[1] }))
      .filter(({ node, api }) => api !== undefined && !waits(node, api, new Set()))
      .map(({ node, api }) => `${node.address} (${api ?? ''})`);
    expect(loose).toEqual([]);
  });
});
