// The production image's start-up file: bundles the compiled entry
// (dist/src/main.js, from `tsc -p tsconfig.build.json`, the code the tests
// run) and everything it requires into ONE file, dist/image/main.js, with its
// source map beside it. One file instead of ~700 small ones: no module
// resolution, no file reads, one script for V8 to parse — and, with the
// compile cache the image warms (warmCompileCache.mjs), nothing to compile.
// Whitespace and syntax are minified; identifiers are kept, so stack traces
// still name functions (the .map file gives lines: set
// NODE_OPTIONS=--enable-source-maps when debugging).
//
// The Google client libraries stay in node_modules (EXTERNAL): they read their
// protobuf descriptors and JSON client configurations from their own package
// folders at run time, and runwarden loads them only on first use
// (src/app/cloudPorts.ts), so they are no part of start-up.
//
//   node image/bundle.mjs        (after `npm run build`; the Dockerfile's build stage runs it)
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';
import { dirname, resolve } from 'node:path';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Packages left in node_modules and required from there at run time (production dependencies, loaded on first use). */
export const EXTERNAL = [
  '@google-cloud/*',
  'google-gax',
  'google-auth-library',
  '@grpc/grpc-js',
  '@grpc/proto-loader',
  'protobufjs',
  'protobufjs/*',
];

export const ENTRY = 'dist/src/main.js';
export const OUTFILE = 'dist/image/main.js';

const result = await build({
  absWorkingDir: root,
  entryPoints: [ENTRY],
  outfile: OUTFILE,
  bundle: true,
  platform: 'node',
  target: 'node24',
  format: 'cjs',
  external: EXTERNAL,
  minifyWhitespace: true,
  minifySyntax: true,
  sourcemap: 'linked',
  legalComments: 'linked',
  metafile: true,
  logLevel: 'warning',
});

const inputs = Object.keys(result.metafile.inputs).length;
const bytes = Object.values(result.metafile.outputs).find((o) => o.entryPoint)?.bytes ?? 0;
console.log(`${OUTFILE}: ${inputs} modules, ${(bytes / 2 ** 20).toFixed(1)} MiB`);
