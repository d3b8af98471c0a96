/**
 * The sandbox's posture demo (SPEC §11): on top of seedDemo's services, the
 * standing access and other findings runwarden's posture scan exists to find,
 * a few of every kind, so that a newcomer's first `/warden posture` shows a
 * real report. With the example policy's `posture` section (scope acme-prod
 * and acme-staging, `www-*` public, `payments-*` needing CMEK):
 * - public_service: legacy-admin lets allUsers invoke it;
 * - standing_access: alice holds roles/run.invoker on legacy-admin with no end
 *   date (the production rule covers her: convertible), the contractors group
 *   holds roles/run.invoker on the whole project (no rule grants groups: "no
 *   rule covers this yet"), and seedDemo's platform group holds run.developer on hello;
 * - open_ingress: hello and legacy-admin accept internet traffic (www-home may);
 * - default_service_account: seedDemo's services run as the default account;
 * - lingering_binding: an expired conditional grant still sits on legacy-admin;
 * - no_cmek: payments-export has no customer-managed key;
 * - key_rotation: the run-cmek/reports key never rotates and protects reports-api.
 */
import type { Emulator } from './types';

export function seedPostureDemo(emulator: Emulator, project: string): void {
  const region = `projects/${project}/locations/us-central1`;
  const domain = 'acme.example';
  const reportsKey = `projects/${project}/locations/global/keyRings/run-cmek/cryptoKeys/reports`;
  emulator.seedKey({ name: reportsKey, purpose: 'ENCRYPT_DECRYPT', versions: 1 });
  emulator.seedService({
    name: `${region}/services/legacy-admin`,
    ingress: 'all',
    serviceAccount: `legacy-admin@${project}.iam.gserviceaccount.com`,
    bindings: [
      { role: 'roles/run.invoker', members: ['allUsers', `user:alice@${domain}`] },
      {
        role: 'roles/run.invoker',
        members: [`user:bob@${domain}`],
        condition: {
          title: 'temporary-debugging',
          description: 'a grant from before runwarden',
          expression: 'request.time < timestamp("2025-06-30T00:00:00Z")',
        },
      },
    ],
  });
  emulator.seedService({
    name: `${region}/services/www-home`,
    ingress: 'all',
    serviceAccount: `www@${project}.iam.gserviceaccount.com`,
    bindings: [{ role: 'roles/run.invoker', members: ['allUsers'] }],
  });
  emulator.seedService({
    name: `${region}/services/payments-export`,
    ingress: 'internal',
    serviceAccount: `payments@${project}.iam.gserviceaccount.com`,
  });
  emulator.seedService({
    name: `${region}/services/reports-api`,
    ingress: 'internal',
    serviceAccount: `reports@${project}.iam.gserviceaccount.com`,
    encryptionKey: reportsKey,
  });
  emulator.seedProject({ id: project, bindings: [{ role: 'roles/run.invoker', members: [`group:contractors@${domain}`] }] });
}
