/**
 * docs/deployment.md and docs/runbook.md against infra/ and the
 * slack-manifest CLI: the commands a newcomer pastes read every name from
 * `terraform output` (and each output exists), use the two shell variables
 * set once at the top (BOT_PROJECT, REGION) instead of placeholders or a
 * hard-coded region, pass --project to every gcloud call, give the Slack
 * manifest the Terraform slash command; the example tfvars fits
 * infra/variables.tf; the state stays out of git and the GCS backend example
 * is well-formed.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseHcl } from '@cdktn/hcl2json';
import { USAGE } from '../../../dev/cli/slackManifest';
import { ROOT } from '../../support/clientCalls';
import { INFRA_DIR, readTerraform, type TerraformModule } from '../../support/terraform';

/** A page of docs/, whole. */
function page(name: string): string {
  return readFileSync(join(ROOT, 'docs', name), 'utf8');
}

interface CodeBlock {
  lang: string;
  /** one entry per command: `\` continuations joined, comments dropped */
  commands: string[];
  text: string;
}

/** Fenced code blocks (also those indented inside list items). */
function codeBlocks(markdown: string): CodeBlock[] {
  const blocks: CodeBlock[] = [];
  for (const match of markdown.matchAll(/^( *)```(\w*)\n([\s\S]*?)^\1```/gm)) {
    const indent = match[1] ?? '';
    const text = (match[3] ?? '')
      .split('\n')
      .map((line) => (line.startsWith(indent) ? line.slice(indent.length) : line))
      .join('\n');
    const commands = text
      .replace(/\\\n\s*/g, ' ')
      .split('\n')
      .map((line) => line.replace(/(^|\s)#(?![{!]).*$/, '').trim())
      .filter((line) => line.length > 0);
    blocks.push({ lang: match[2] ?? '', commands, text });
  }
  return blocks;
}

const deploy = page('deployment.md');
const runbook = page('runbook.md');
const shellBlocks = [...codeBlocks(deploy), ...codeBlocks(runbook)].filter((b) => b.lang === 'sh');
const shellCommands = shellBlocks.flatMap((b) => b.commands);
/** Inline `code` spans of the runbook's prose that are commands. */
const inlineCommands = [...runbook.matchAll(/`((?:gcloud|terraform|bq|npm) [^`]+)`/g)].map((m) => (m[1] ?? '').replace(/\s+/g, ' '));
const allCommands = [...shellCommands, ...inlineCommands];

describe('docs/deployment.md and docs/runbook.md', () => {
  let tf: TerraformModule;
  beforeAll(async () => {
    tf = await readTerraform();
  }, 60_000);

  it('finds the commands at all (the extraction works)', () => {
    expect(shellBlocks.length).toBeGreaterThan(8);
    expect(allCommands.some((c) => c.startsWith('gcloud scheduler jobs run'))).toBe(true);
    expect(allCommands.some((c) => c.includes('slack-manifest'))).toBe(true);
  });

  it('every `terraform output -raw NAME` it reads is an output of infra/', () => {
    const read = [...[deploy, runbook].join('\n').matchAll(/terraform(?: -chdir=infra)? output -raw ([a-z_]+)/g)].map((m) => m[1] ?? '');
    expect(read).toEqual(
      expect.arrayContaining([
        'service_url',
        'slash_command',
        'slack_signing_secret_id',
        'slack_bot_token_id',
        'service_name',
        'sweep_job_name',
      ]),
    );
    const outputs = Object.keys(tf.outputs());
    expect([...new Set(read)].filter((name) => !outputs.includes(name))).toEqual([]);
  });

  it('lists every Terraform output where step 3 names them', () => {
    const step3 = deploy.slice(deploy.indexOf('Outputs (`terraform -chdir=infra output`)'));
    for (const name of Object.keys(tf.outputs())) expect({ name, listed: step3.includes(`\`${name}\``) }).toEqual({ name, listed: true });
  });

  it('sets BOT_PROJECT and REGION once, first, and says they are the tfvars project_id and region', () => {
    const first = codeBlocks(deploy)[0];
    expect(first?.commands).toEqual([expect.stringMatching(/^export BOT_PROJECT=\S+$/), expect.stringMatching(/^export REGION=\S+$/)]);
    expect(first?.text).toMatch(/BOT_PROJECT=.*project_id/);
    expect(first?.text).toMatch(/REGION=.*region/);
  });

  it('uses them as shell variables: no bare BOT_PROJECT/REGION placeholder, no hard-coded region or resource name', () => {
    const offending = allCommands.filter(
      (c) =>
        !/^export (BOT_PROJECT|REGION)=/.test(c) &&
        (/(?<![$\w{])(BOT_PROJECT|REGION)\b/.test(c) || /us-central1|runwarden-(slack|sweep|policy)|acme-runwarden/.test(c)),
    );
    expect(offending).toEqual([]);
  });

  it('passes --project to every gcloud command on a project resource', () => {
    // "$(…)" substitutions are commands of their own; pipes, && and ; separate commands
    const substitution = /\$\(([^()]*)\)/g;
    const simple = allCommands.flatMap((c) => [...[...c.matchAll(substitution)].map((m) => m[1] ?? ''), c.replace(substitution, '$SUB')]);
    const gcloud = simple
      .flatMap((c) => c.split(/\||&&|;/))
      .map((c) => c.replace(/^\s*(\w+=)?"?/, '').trim())
      .filter((c) => c.startsWith('gcloud '));
    expect(gcloud.length).toBeGreaterThan(15);
    // not project-scoped: gcloud's own login and settings; a project named positionally; a bucket (global names)
    const exempt = /^gcloud (auth|config|projects|storage buckets update) /;
    expect(gcloud.filter((c) => !exempt.test(c) && !/--project[= ]/.test(c))).toEqual([]);
  });

  it('builds the Slack manifest with the URL and slash command from Terraform, with options the CLI has', () => {
    const manifest = allCommands.filter((c) => c.includes('slack-manifest --') || c.includes('slack-manifest -- '));
    expect(manifest.length).toBeGreaterThan(0);
    for (const command of manifest) {
      expect(command).toContain('--url "$(terraform -chdir=infra output -raw service_url)"');
      expect(command).toContain('--slash "$(terraform -chdir=infra output -raw slash_command)"');
      const options = [...(command.split('slack-manifest --')[1] ?? '').matchAll(/(?:^|\s)(--[a-z-]+)/g)].map((m) => m[1] ?? '');
      expect(options.filter((o) => !USAGE.includes(o))).toEqual([]);
    }
  });

  it('plans before it applies, and applies that plan', () => {
    const plan = shellCommands.findIndex((c) => /^terraform plan -var-file=runwarden\.tfvars -out=(\S+)/.test(c));
    const apply = shellCommands.findIndex((c) => c.startsWith('terraform apply'));
    expect(plan).toBeGreaterThanOrEqual(0);
    expect(apply).toBeGreaterThan(plan);
    expect(shellCommands[apply]).toBe(`terraform apply ${/-out=(\S+)/.exec(shellCommands[plan] ?? '')?.[1] ?? ''}`);
  });

  it('the example runwarden.tfvars sets only declared variables, and every required one', async () => {
    const tfvars = codeBlocks(deploy).find((b) => b.lang === 'hcl' && b.text.includes('project_id'));
    expect(tfvars).toBeDefined();
    const values = (await parseHcl('runwarden.tfvars', tfvars?.text ?? '')) as Record<string, unknown>;
    const variables = tf.variables();
    expect(Object.keys(values).filter((name) => !(name in variables))).toEqual([]);
    const required = Object.entries(variables)
      .filter(([, v]) => !('default' in v))
      .map(([name]) => name);
    expect(required.filter((name) => !(name in values))).toEqual([]);
  });

  it('the Firestore import names the database resource infra/ declares', () => {
    const importCommand = allCommands.find((c) => c.includes(' import '));
    const address = /import -var-file=runwarden\.tfvars (\S+)\.(\S+) /.exec(importCommand ?? '');
    expect(address?.[1]).toBe('google_firestore_database');
    expect(Object.keys(tf.resources('google_firestore_database'))).toContain(address?.[2]);
  });
});

describe('Terraform state', () => {
  it.each(['infra/terraform.tfstate', 'infra/terraform.tfstate.backup', 'infra/runwarden.tfplan', 'infra/.terraform/terraform.tfstate'])(
    '.gitignore keeps %s out of git',
    (path) => {
      // git check-ignore exits 0 when the path is ignored, 1 when not (execFileSync throws)
      expect(execFileSync('git', ['check-ignore', '--no-index', path], { cwd: ROOT, encoding: 'utf8' }).trim()).toBe(path);
    },
  );

  it('.gitignore does not drop the provider lock file', () => {
    expect(() => execFileSync('git', ['check-ignore', '--no-index', 'infra/.terraform.lock.hcl'], { cwd: ROOT })).toThrow();
  });

  it('infra/backend.tf.example declares a gcs backend whose bucket comes from `terraform init -backend-config` (as the README runs it)', async () => {
    const parsed = (await parseHcl('backend.tf', readFileSync(join(INFRA_DIR, 'backend.tf.example'), 'utf8'))) as {
      terraform?: Array<{ backend?: { gcs?: Array<Record<string, unknown>> } }>;
    };
    const gcs = parsed.terraform?.[0]?.backend?.gcs?.[0];
    expect(gcs).toMatchObject({ prefix: 'runwarden' });
    expect(gcs).not.toHaveProperty('bucket');
    expect(shellCommands).toContain('terraform init -backend-config="bucket=$STATE_BUCKET"');
  });
});

describe('secrets in the docs', () => {
  it("every `gcloud secrets versions add` is fed by printf '%s' (no newline) or a file, never echo", () => {
    const adds = allCommands.filter((c) => c.includes('gcloud secrets versions add'));
    expect(adds.length).toBeGreaterThanOrEqual(3);
    for (const command of adds)
      expect({ command, clean: /^printf '%s' "\$\w+" \| gcloud secrets versions add .* --data-file=- /.test(command) }).toEqual({
        command,
        clean: true,
      });
    expect(allCommands.filter((c) => /\becho\b[^|]*\|\s*gcloud secrets/.test(c))).toEqual([]);
  });

  it('the rotation walk-through finds the old version, pins it as the previous secret, adds the new one, and only then disables the old one', () => {
    const rotation = runbook.slice(runbook.indexOf('## Rotate the Slack signing secret'), runbook.indexOf('## Pause and outages'));
    const order = [
      'gcloud secrets versions describe latest',
      'slack_signing_secret_previous_version = ',
      'Signing Secret → **Regenerate**',
      'gcloud secrets versions add "$SIGNING_SECRET_ID"',
      'gcloud run services update',
      'remove\n   `slack_signing_secret_previous_version`',
      'gcloud secrets versions disable "$OLD_VERSION"',
    ].map((step) => rotation.indexOf(step));
    expect(order.every((at) => at >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  });

  it('the pinned previous version is a Terraform variable that the service turns into SLACK_SIGNING_SECRET_PREVIOUS', async () => {
    const tf = await readTerraform();
    expect(tf.variables().slack_signing_secret_previous_version?.default).toBeNull();
    expect(readFileSync(join(INFRA_DIR, 'run.tf'), 'utf8')).toMatch(/name = "SLACK_SIGNING_SECRET_PREVIOUS"[\s\S]*?version = env\.value/);
  });
});

describe('the provider lock file', () => {
  it('.gitignore and docs/deployment.md agree: it is committed, and the docs say how to pin it', () => {
    expect(readFileSync(join(ROOT, '.gitignore'), 'utf8')).toMatch(/\.terraform\.lock\.hcl.*committed/);
    expect(deploy).toContain('infra/.terraform.lock.hcl');
    expect(shellCommands).toContain('terraform -chdir=infra providers lock -platform=linux_amd64 -platform=darwin_arm64');
    expect(shellCommands).toContain('git add infra/.terraform.lock.hcl');
  });
});

describe('the runbook says what happens at teardown and how to end open work first', () => {
  it('has a Teardown section covering active grants, temporary changes and pending requests, before terraform destroy', () => {
    const teardown = runbook.slice(runbook.indexOf('## Teardown'));
    for (const words of [
      'Active invoker grants',
      'temporary egress/ingress changes are never reverted',
      'Pending and approved requests',
      '/warden revoke <id>',
      'plan -destroy',
    ]) {
      expect(teardown).toContain(words);
    }
  });

  it('the Upgrade section checks the plan for anything deleted or replaced before applying', () => {
    const upgrade = runbook.slice(runbook.indexOf('## Upgrade'), runbook.indexOf('## Teardown'));
    expect(upgrade).toContain('index("delete")');
    expect(upgrade.indexOf('show -json upgrade.tfplan')).toBeLessThan(upgrade.indexOf('apply upgrade.tfplan'));
  });
});
