import { showResource } from '../../../dev/cli/showResource';
import { seedDemo, startEmulator, type Emulator } from '../../../dev/emulator';

/** `warden show` against the sandbox's seeded emulator, through the real clients. */
describe('warden show', () => {
  let emulator: Emulator;

  beforeAll(async () => {
    emulator = await startEmulator({});
    seedDemo(emulator, 'acme-prod');
  });
  afterAll(async () => emulator.stop());

  it('states a key rotation period in the units the command takes (90d, not 7776000s)', async () => {
    const lines: string[] = [];
    const code = await showResource(emulator.address, 'run-cmek/payments', (line) => lines.push(line));
    expect(code).toBe(0);
    expect(lines.join('\n')).toMatch(/rotation every 90d, next \d{4}-/);
  });

  it('prints a service with its IAM bindings', async () => {
    const lines: string[] = [];
    const code = await showResource(emulator.address, 'hello', (line) => lines.push(line));
    expect(code).toBe(0);
    expect(lines.join('\n')).toContain('roles/run.developer group:platform@acme-prod.example');
  });
});
