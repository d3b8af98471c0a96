/**
 * runwarden's layers, checked by `npm test` (`npm run check:layers`). Each
 * rule says which way an import may point; docs/architecture.md draws them.
 * Type-only imports count as imports here (tsPreCompilationDeps): a type is
 * part of what one layer knows about another.
 *
 * @type {import('dependency-cruiser').IConfiguration}
 */

/** npm packages the pure core may use: parsing and validation only, no I/O. */
const PURE_PACKAGES = ['zod', 'yaml', 're2js', '@noble/hashes'];

module.exports = {
  forbidden: [
    {
      name: 'no-cycles',
      severity: 'error',
      comment: 'Files that import each other in a loop cannot be read (or changed) one at a time: break the loop.',
      from: { path: '^(src|commands)/' },
      to: { circular: true },
    },
    {
      name: 'domain-is-pure',
      severity: 'error',
      comment:
        'src/domain is the pure core: it imports only itself and pure parsing packages. Ports, adapters, the app, the ' +
        'kinds and the commands import the domain, never the reverse (no I/O, no SDK, no Node built-in, no clock).',
      from: { path: '^src/domain/' },
      to: {
        pathNot: ['^src/domain/', ...PURE_PACKAGES.map((name) => `^node_modules/${name}/`)],
      },
    },
    {
      name: 'ports-speak-the-domain',
      severity: 'error',
      comment: "src/ports.ts names the interfaces the core needs, in the domain's types only.",
      from: { path: '^src/ports\\.ts$' },
      to: { pathNot: ['^src/domain/'] },
    },
    {
      name: 'kind-rules-are-pure',
      severity: 'error',
      comment:
        "A kind's pure part (src/kinds/<kind>/, every file but effects.ts and index.ts) imports only the domain, " +
        "the kinds' shared pure files (src/kinds/kind.ts, phrase.ts, fit.ts) and its own kind's pure files; what " +
        'touches Google lives in its effects.ts, and index.ts puts the two together.',
      from: { path: '^src/kinds/([^/]+)/(?!(effects|index)\\.ts$)[^/]+\\.ts$' },
      to: {
        pathNot: [
          '^src/domain/',
          '^src/kinds/$1/(?!(effects|index)\\.ts$)[^/]+\\.ts$',
          '^src/kinds/(kind|phrase|fit)\\.ts$',
          ...PURE_PACKAGES.map((name) => `^node_modules/${name}/`),
        ],
      },
    },
    {
      name: 'kind-effects-go-through-ports',
      severity: 'error',
      comment: "A kind's effects reach Google through src/ports.ts only: never an adapter, the app or the commands.",
      from: { path: '^src/kinds/' },
      to: { path: ['^src/(adapters|app|jobs)/', '^commands/', '^node_modules/@(google-cloud|grpc|slack)/'] },
    },
    {
      name: 'kinds-apart',
      severity: 'error',
      comment: 'A kind module does not reach into another kind (the registry is the only file that names them all).',
      from: { path: '^src/kinds/([^/]+)/' },
      to: { path: '^src/kinds/[^/]+/', pathNot: '^src/kinds/$1/' },
    },
    {
      name: 'adapters-apart',
      severity: 'error',
      comment: 'One adapter (gcp, firestore, slack) never imports another: each stands alone behind the ports.',
      from: { path: '^src/adapters/([^/]+)/' },
      to: { path: '^src/adapters/[^/]+/', pathNot: '^src/adapters/$1/' },
    },
    {
      name: 'adapters-use-the-command-face',
      severity: 'error',
      comment: "Slack's listeners reach the slash commands through commands/index.ts only, never a subcommand's module.",
      from: { path: '^src/' },
      to: { path: '^commands/', pathNot: '^commands/index\\.ts$' },
    },
    {
      name: 'commands-render-through-views',
      severity: 'error',
      comment:
        'A subcommand answers with a value; the only Slack code it may use is the pure Block Kit builders in ' +
        'src/adapters/slack/views (never a listener, a client or another adapter).',
      from: { path: '^commands/' },
      to: { path: '^src/adapters/', pathNot: '^src/adapters/slack/views/' },
    },
    {
      name: 'production-apart-from-tooling',
      severity: 'error',
      comment: 'The product (src/, commands/) never imports development tooling, tests or benchmarks.',
      from: { path: '^(src|commands)/' },
      to: { path: '^(dev|test|bench)/' },
    },
    {
      name: 'google-sdks-only-in-gcp',
      severity: 'error',
      comment: 'Cloud Run, Cloud KMS and gRPC are used by src/adapters/gcp alone (clients built there, errors mapped there).',
      from: { path: '^(src|commands)/', pathNot: '^src/adapters/gcp/' },
      to: { path: '^node_modules/@(google-cloud/(run|kms)|grpc)/' },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      comment: 'An import that resolves to nothing is a typo or a missing package.',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    combinedDependencies: false,
    exclude: { path: '^(dist|dist-bench|node_modules)/' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['require', 'node', 'default'] },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
