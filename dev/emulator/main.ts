/**
 * Standalone emulator: `node dist/dev/emulator/main.js`. Listens on PORT (or a
 * random port), seeds the demo for GOOGLE_CLOUD_PROJECT (default acme-prod)
 * and prints {"address": "127.0.0.1:PORT"} as one JSON line.
 */
import { z } from 'zod';
import { seedDemo, seedPostureDemo, startEmulator } from './index';

const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65_535).optional(),
  GOOGLE_CLOUD_PROJECT: z.string().min(1).default('acme-prod'),
});

async function main(): Promise<void> {
  const parsed = envSchema.safeParse({
    PORT: process.env.PORT || undefined,
    GOOGLE_CLOUD_PROJECT: process.env.GOOGLE_CLOUD_PROJECT || undefined,
  });
  if (!parsed.success) {
    const names = parsed.error.issues.map((issue) => issue.path.join('.')).join(', ');
    process.stderr.write(`emulator: invalid environment: ${names}\n`);
    process.exit(2);
  }
  const emulator = await startEmulator(parsed.data.PORT !== undefined ? { port: parsed.data.PORT } : {});
  seedDemo(emulator, parsed.data.GOOGLE_CLOUD_PROJECT);
  seedPostureDemo(emulator, parsed.data.GOOGLE_CLOUD_PROJECT);
  process.stdout.write(`${JSON.stringify({ address: emulator.address })}\n`);
  const stop = (): void => {
    void emulator.stop().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

if (require.main === module) {
  void main();
}
