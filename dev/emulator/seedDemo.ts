/**
 * The sandbox's demo resources: a few Cloud Run services in us-central1 and
 * europe-west1, a CMEK key used by two of them, and a signing key; and one
 * service in the matching staging project (`acme-prod` → `acme-staging`).
 */
import type { Emulator } from './types';

export function seedDemo(emulator: Emulator, project: string): void {
  const region = `projects/${project}/locations/us-central1`;
  const ring = `projects/${project}/locations/global/keyRings/run-cmek`;
  const payments = `${ring}/cryptoKeys/payments`;
  emulator.seedKey({
    name: payments,
    purpose: 'ENCRYPT_DECRYPT',
    versions: 2,
    rotationPeriodSeconds: 90 * 86_400,
    nextRotationTime: new Date(Date.now() + 30 * 86_400_000),
  });
  emulator.seedKey({ name: `${ring}/cryptoKeys/signing`, purpose: 'ASYMMETRIC_SIGN' });
  emulator.seedService({
    name: `${region}/services/hello`,
    ingress: 'all',
    bindings: [{ role: 'roles/run.developer', members: [`group:platform@${project}.example`] }],
  });
  emulator.seedService({
    name: `${region}/services/payments-api`,
    ingress: 'internal-and-cloud-load-balancing',
    vpcConnector: `${region}/connectors/payments-vpc`,
    egress: 'private-ranges-only',
    encryptionKey: payments,
    bindings: [{ role: 'roles/run.invoker', members: [`serviceAccount:checkout@${project}.iam.gserviceaccount.com`] }],
  });
  emulator.seedService({ name: `${region}/services/internal-reports`, ingress: 'internal', encryptionKey: payments });
  emulator.seedService({
    name: `projects/${project}/locations/europe-west1/services/billing-worker`,
    ingress: 'internal',
    networkInterfaces: [{ network: 'default', subnetwork: 'default' }],
    egress: 'all-traffic',
  });
  emulator.seedService({ name: `projects/${project.replace(/-prod$/, '')}-staging/locations/us-central1/services/hello`, ingress: 'all' });
}
