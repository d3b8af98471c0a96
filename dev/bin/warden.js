// `npm run -s warden -- …` — the sandbox CLI (dev/cli/warden-cli.ts). npm
// prints its "> runwarden@… warden" header unless asked to be silent (-s);
// this launcher runs the compiled CLI, which `npm start` (or
// `npm run build:dev`) builds into dist/, and says so when it is not built
// instead of failing with Node's module-not-found trace.
'use strict';
const { existsSync } = require('node:fs');
const { resolve } = require('node:path');

const compiled = resolve(__dirname, '../../dist/dev/cli/warden-cli.js');
if (!existsSync(compiled)) {
  process.stderr.write(
    'warden: the CLI is not built yet: start the sandbox first (`npm start`, which compiles it), or run `npm run build:dev`\n',
  );
  process.exit(1);
}
require(compiled)
  .main(process.argv.slice(2))
  .then((code) => {
    process.exitCode = code;
  });
