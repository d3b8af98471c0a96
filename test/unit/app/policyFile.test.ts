import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readPolicyFile } from '../../../src/app/policyFile';

const dir = mkdtempSync(join(tmpdir(), 'runwarden-policy-'));
const write = (name: string, text: string): string => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

describe('readPolicyFile', () => {
  it('loads the example policy shipped with the project', () => {
    const result = readPolicyFile(join(__dirname, '../../../examples/policy.yaml'));
    expect(result.ok && result.policy.rules.map((r) => r.kind)).toEqual([
      'invoker',
      'invoker',
      'invoker',
      'egress',
      'ingress',
      'rotate',
      'convert',
    ]);
  });

  it('names the file when it cannot be read', () => {
    const result = readPolicyFile(join(dir, 'missing.yaml'));
    expect(result.ok ? '' : result.message).toMatch(/WARDEN_POLICY.*missing\.yaml.*ENOENT/);
  });

  it('lists every problem of an invalid policy at once', () => {
    const path = write(
      'bad.yaml',
      'domains: [acme.example]\napproverGroups: { platform: [U0BOB] }\nrules:\n  - kind: invoker\n    resources: ["x"]\n    approvers: plat\n    colour: red\n',
    );
    const result = readPolicyFile(path);
    const message = result.ok ? '' : result.message;
    expect(message).toContain('bad.yaml');
    expect(message).toMatch(/colour/);
    expect(message).toMatch(/plat/);
    expect(message.split('\n  - ').length).toBeGreaterThan(2);
  });
});
