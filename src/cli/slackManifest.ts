/**
 * Prints runwarden's Slack app manifest (src/adapters/slack/appManifest.ts)
 * as YAML, or writes it to infra/slack-app-manifest.yaml.
 *
 *   npm run slack-manifest -- --url https://runwarden-123456789.us-central1.run.app
 *   npm run slack-manifest -- --write          # refresh the checked-in file (placeholder URL)
 *   npm run slack-manifest -- --slash /warden-staging --url …
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { renderSlackManifest } from './renderSlackManifest';

const { values } = parseArgs({
  options: { url: { type: 'string' }, slash: { type: 'string' }, write: { type: 'boolean', default: false } },
});
const yaml = renderSlackManifest({ url: values.url, slash: values.slash });
if (values.write) {
  const path = join(__dirname, '..', '..', '..', 'infra', 'slack-app-manifest.yaml');
  writeFileSync(path, yaml);
  process.stdout.write(`wrote ${path}\n`);
} else {
  process.stdout.write(yaml);
}
