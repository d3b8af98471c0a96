/**
 * `warden show <service|ring/key>`: reads a demo resource from the sandbox's
 * Cloud Run/KMS emulator through runwarden's own Google adapters (the real
 * client libraries), so a newcomer can watch a binding appear and expire, an
 * egress setting flip and revert, or a key gain a new primary version.
 */
import { createKmsClient, createRunClient } from '../../src/adapters/gcp/clients';
import { createKmsKeys } from '../../src/adapters/gcp/kmsKeys';
import { createRunIamPolicy } from '../../src/adapters/gcp/runIamPolicy';
import { createRunServices } from '../../src/adapters/gcp/runServices';
import { formatDuration } from '../../src/domain/duration';
import { resolveKeyName, resolveServiceName } from '../../src/domain/resourceNames';

export const SANDBOX_DEFAULTS = { project: 'acme-prod', region: 'us-central1', kmsLocation: 'global' };

export async function showResource(emulator: string, input: string, out: (line: string) => void): Promise<number> {
  process.env.METADATA_SERVER_DETECTION = 'none';
  if (input.includes('/') && !input.includes('/services/')) {
    const key = resolveKeyName(input, SANDBOX_DEFAULTS);
    if (!key.ok) return fail(key.error, out);
    const client = createKmsClient({ emulatorHost: emulator });
    try {
      const info = await createKmsKeys({ client }).getKey(key.name);
      out(`${info.name}\n  purpose ${info.purpose}\n  primary ${info.primaryVersion ?? 'none'}`);
      if (info.rotationPeriodSeconds)
        out(`  rotation every ${formatDuration(info.rotationPeriodSeconds)}, next ${info.nextRotationTime?.toISOString() ?? '?'}`);
      return 0;
    } finally {
      await client.close();
    }
  }
  const name = resolveServiceName(input, {}, SANDBOX_DEFAULTS);
  if (!name.ok) return fail(name.error, out);
  const client = createRunClient({ emulatorHost: emulator });
  try {
    const service = await createRunServices({ client }).getService(name.name);
    out(
      `${service.name}\n  ingress ${service.ingress}\n  egress ${service.egress ?? '(no VPC access)'}\n  revision ${service.latestReadyRevision ?? '?'}`,
    );
    const bindings = await createRunIamPolicy({ client }).getBindings(name.name);
    out(`  IAM bindings (${bindings.length}):`);
    for (const b of bindings) {
      out(`    ${b.role} ${b.members.join(', ')}${b.condition ? `  [${b.condition.title}: ${b.condition.expression}]` : ''}`);
    }
    return 0;
  } finally {
    await client.close();
  }
}

function fail(message: string, out: (line: string) => void): number {
  out(`warden: ${message}`);
  return 2;
}
