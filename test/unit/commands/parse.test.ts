import * as cancel from '../../../commands/cancel';
import * as extend from '../../../commands/extend';
import * as help from '../../../commands/help';
import * as list from '../../../commands/list';
import { helpText, overviewUsage, parseCommand, SUBCOMMANDS, type Command } from '../../../commands/parse';
import * as revoke from '../../../commands/revoke';
import * as status from '../../../commands/status';
import { KINDS } from '../../../src/kinds/registry';

/** The request kinds' subcommands, as help lists them (their usage lines default to /warden). */
const subcommandOf = (kind: keyof typeof KINDS) => ({ usage: (slash = '/warden') => KINDS[kind].command.usage(slash) });
const invoker = subcommandOf('invoker');
const egress = subcommandOf('egress');
const ingress = subcommandOf('ingress');
const rotate = subcommandOf('rotate');

const FULL = 'projects/acme-prod/locations/us-central1/services/payments';
const KEY = 'projects/acme-prod/locations/global/keyRings/run/cryptoKeys/db';
const ID = '7k3mq9xw2p';

type Case = [description: string, text: string, command: Command];
type Failure = [description: string, text: string, error: string];

function expectCommand(text: string, command: Command): void {
  const parsed = parseCommand(text);
  expect(parsed).toEqual({ ok: true, command: expect.objectContaining(command) });
  // nothing but what the case names (undefined options are the same as absent)
  if (parsed.ok) expect(JSON.parse(JSON.stringify(parsed.command))).toEqual(command);
}

function expectFailure(text: string, error: string, usage: string): void {
  expect(parseCommand(text)).toEqual({ ok: false, error, usage });
}

describe('posture', () => {
  test.each([
    ['no scope: the whole posture scope', 'posture', { name: 'posture', scope: undefined }],
    ['a project', 'posture projects/acme-prod', { name: 'posture', scope: 'projects/acme-prod' }],
    ['a folder', 'posture folders/123', { name: 'posture', scope: 'folders/123' }],
    ['a short service name', 'posture hello', { name: 'posture', scope: 'hello' }],
    [
      'a full service name',
      'posture projects/acme-prod/locations/us-central1/services/hello',
      { name: 'posture', scope: 'projects/acme-prod/locations/us-central1/services/hello' },
    ],
  ])('%s', (_, text, command) => {
    expect(parseCommand(text)).toEqual({ ok: true, command });
  });

  test.each([
    ['two scopes', 'posture hello world', 'posture takes at most one scope'],
    ['an option', 'posture --project acme-prod', 'posture takes no options (`--project`)'],
    ['a word that cannot name anything', 'posture <hello>', '`<hello>` is not a scope, project or service name'],
  ])('refuses %s', (_, text, error) => {
    const parsed = parseCommand(text);
    expect(parsed.ok ? '' : parsed.error).toContain(error);
    expect(parsed.ok ? '' : parsed.usage).toBe('/warden posture [<scope>]');
  });
});

describe('usage lines', () => {
  test('are the SPEC §4 grammar, with the configured slash command', () => {
    expect(SUBCOMMANDS.map((subcommand) => subcommand.usage('/jit'))).toEqual([
      '/jit invoker <service> <duration> <reason…> [--member M] [--role R] [--project P] [--region L] [--start <time>] [--break-glass]',
      '/jit egress <service> <all-traffic|private-ranges-only> [<duration>] <reason…> [--project P] [--region L] [--break-glass]',
      '/jit ingress <service> <all|internal|internal-and-cloud-load-balancing> [<duration>] <reason…> [--project P] [--region L] [--break-glass]',
      '/jit rotate <key> <reason…> [--rotation-period <duration>]',
      '/jit convert <finding> <reason…>',
      '/jit list',
      '/jit status <id> [--all]',
      '/jit revoke <id> [reason…]',
      '/jit cancel <id>',
      '/jit extend <id> <duration> <reason…>',
      '/jit eligible',
      '/jit explain <request…>',
      '/jit posture [<scope>]',
      '/jit help',
    ]);
  });

  test('default to /warden', () => {
    expect(invoker.usage()).toMatch(/^\/warden invoker /);
  });

  test('helpText lists every usage line with its summary', () => {
    const text = helpText('/jit');
    for (const subcommand of SUBCOMMANDS) expect(text).toContain(`\`${subcommand.usage('/jit')}\` — ${subcommand.summary}`);
  });
});

describe('invoker', () => {
  const usage = invoker.usage();
  test.each<Case>([
    [
      'a short service, a duration and a reason',
      'invoker payments 2h debug the outage',
      { name: 'invoker', service: 'payments', durationSeconds: 7200, reason: 'debug the outage' },
    ],
    [
      'a full service name',
      `invoker ${FULL} 30m look at logs`,
      { name: 'invoker', service: FULL, durationSeconds: 1800, reason: 'look at logs' },
    ],
    [
      'every option, anywhere after the subcommand',
      'invoker --project acme-stage payments 1h30m why --member user:Bob@acme.example not --role roles/run.viewer --region europe-west1',
      {
        name: 'invoker',
        service: 'payments',
        durationSeconds: 5400,
        reason: 'why not',
        member: 'user:bob@acme.example',
        role: 'roles/run.viewer',
        project: 'acme-stage',
        region: 'europe-west1',
      },
    ],
    [
      'a custom role of a project',
      'invoker payments 1h x --role projects/acme-prod/roles/runCaller',
      { name: 'invoker', service: 'payments', durationSeconds: 3600, reason: 'x', role: 'projects/acme-prod/roles/runCaller' },
    ],
    [
      'a reason squeezed to single spaces',
      'invoker payments 1h  a \n b\t c',
      { name: 'invoker', service: 'payments', durationSeconds: 3600, reason: 'a b c' },
    ],
    ['the subcommand in capitals', 'INVOKER payments 1h x', { name: 'invoker', service: 'payments', durationSeconds: 3600, reason: 'x' }],
    [
      'the slash command repeated in the text',
      '/warden invoker payments 1h x',
      { name: 'invoker', service: 'payments', durationSeconds: 3600, reason: 'x' },
    ],
    [
      'a reason with quotes and punctuation kept as typed',
      'invoker payments 1h "it\'s" broken: see #123 & <https://x>',
      { name: 'invoker', service: 'payments', durationSeconds: 3600, reason: '"it\'s" broken: see #123 & <https://x>' },
    ],
  ])('parses %s', (_description, text, command) => expectCommand(text, command));

  test.each<Failure>([
    ['no service', 'invoker', 'Say which service: a short name like `payments`, or projects/P/locations/L/services/S.'],
    ['no duration', 'invoker payments', 'Say for how long: a duration such as 2h (use 90s, 30m, 2h, 1d or 1h30m).'],
    ['no reason', 'invoker payments 2h', 'Give a reason: the approvers see it, and it is recorded.'],
    ['the duration left out', 'invoker payments debugging stuff', '`debugging` is not a duration: use 90s, 30m, 2h, 1d or 1h30m'],
    ['a duration with an unknown unit', 'invoker payments 3x debugging', '`3x` is not a duration: use 90s, 30m, 2h, 1d or 1h30m'],
    ['a duration past the limit', 'invoker payments 400d x', "`400d` is longer than runwarden's limit of 366d"],
    [
      'an invalid service name',
      'invoker Payments_API 1h x',
      '`Payments_API` is not a Cloud Run service name: use a short name like `payments` or projects/P/locations/L/services/S',
    ],
    [
      'a member without a type',
      'invoker payments 1h x --member bob@acme.example',
      '`bob@acme.example` is not a member: use user:EMAIL, group:EMAIL or serviceAccount:EMAIL',
    ],
    [
      'allUsers as member',
      'invoker payments 1h x --member allUsers',
      '`allUsers` is not a member: use user:EMAIL, group:EMAIL or serviceAccount:EMAIL',
    ],
    ['an invalid role', 'invoker payments 1h x --role owner', '`owner` is not an IAM role: use roles/x.y or projects/P/roles/R'],
    ['an invalid project', 'invoker payments 1h x --project ACME', '`ACME` is not a Google Cloud project id'],
    ['an invalid region', 'invoker payments 1h x --region moon', '`moon` is not a Cloud Run region (e.g. us-central1)'],
    [
      'an unknown option',
      'invoker payments 1h x --rotation-period 1d',
      '`--rotation-period` is not an option of invoker: use --member, --role, --project, --region, --start or --break-glass',
    ],
    ['an option twice', 'invoker payments 1h x --role roles/run.invoker --role roles/run.viewer', '--role is given twice'],
    ['an option without value', 'invoker payments 1h x --member', '--member needs a value'],
    ['a reason over 500 characters', `invoker payments 1h ${'x'.repeat(501)}`, 'The reason is 501 characters long: keep it to 500.'],
    ['a duration in words (2hrs)', 'invoker payments 2hrs debugging', '`2hrs` is not a duration: use 90s, 30m, 2h, 1d or 1h30m'],
    [
      'a duration split in two (1h 30m): 30m would be part of the reason',
      'invoker payments 1h 30m debugging',
      '`1h 30m` is not a duration: write a duration as one word, without spaces (e.g. 1h30m; use 90s, 30m, 2h, 1d or 1h30m)',
    ],
    [
      'a duration split with a unit word (2h 30min)',
      'invoker payments 2h 30min debugging',
      '`2h 30min` is not a duration: write a duration as one word, without spaces (e.g. 1h30m; use 90s, 30m, 2h, 1d or 1h30m)',
    ],
  ])('refuses %s', (_description, text, error) => expectFailure(text, error, usage));

  test('accepts a reason of exactly 500 characters, counting emoji as one', () => {
    expect(parseCommand(`invoker payments 1h ${'🔥'.repeat(500)}`).ok).toBe(true);
  });
});

describe.each([
  [
    'egress',
    egress,
    'all-traffic',
    'ALL-TRAFFIC',
    'an egress setting: use all-traffic or private-ranges-only',
    'Say which egress setting: all-traffic or private-ranges-only.',
  ],
  [
    'ingress',
    ingress,
    'internal-and-cloud-load-balancing',
    'Internal-And-Cloud-Load-Balancing',
    'an ingress setting: use all, internal or internal-and-cloud-load-balancing',
    'Say which ingress setting: all, internal or internal-and-cloud-load-balancing.',
  ],
] as const)('%s', (name, module, value, shouted, notA, missing) => {
  const usage = module.usage();
  test.each<[string, string, object]>([
    ['a permanent change', `${name} payments ${value} open it up`, { name, service: 'payments', value, reason: 'open it up' }],
    [
      'a temporary change',
      `${name} payments ${value} 2h open it up`,
      { name, service: 'payments', value, durationSeconds: 7200, reason: 'open it up' },
    ],
    ['the setting in any case', `${name} payments ${shouted} why`, { name, service: 'payments', value, reason: 'why' }],
    [
      'a full name and the service flags',
      `${name} ${FULL} ${value} why --project acme-prod --region us-central1`,
      { name, service: FULL, value, reason: 'why', project: 'acme-prod', region: 'us-central1' },
    ],
    [
      'a reason that starts like a number but is no duration',
      `${name} payments ${value} 3x faster builds`,
      { name, service: 'payments', value, reason: '3x faster builds' },
    ],
  ])('parses %s', (_description, text, command) => expectCommand(text, command as Command));

  test.each<Failure>([
    ['no service', name, 'Say which service: a short name like `payments`, or projects/P/locations/L/services/S.'],
    ['no setting', `${name} payments`, missing],
    ['an unknown setting', `${name} payments everything why`, `\`everything\` is not ${notA}`],
    ['no reason', `${name} payments ${value}`, 'Give a reason: the approvers see it, and it is recorded.'],
    ['a duration and no reason', `${name} payments ${value} 2h`, 'Give a reason: the approvers see it, and it is recorded.'],
    ['a duration of nothing', `${name} payments ${value} 0s why`, '`0s` is not a duration: it must be longer than nothing'],
    [
      'a duration with units out of order',
      `${name} payments ${value} 30m1h why`,
      '`30m1h` is not a duration: write the units in the order d, h, m, s, each once (e.g. 1h30m)',
    ],
    // Each of these used to become a PERMANENT change, the word silently part of the reason.
    ['a duration in words (2hrs)', `${name} payments ${value} 2hrs why`, '`2hrs` is not a duration: use 90s, 30m, 2h, 1d or 1h30m'],
    [
      'a duration in other units (90min)',
      `${name} payments ${value} 90min why`,
      '`90min` is not a duration: use 90s, 30m, 2h, 1d or 1h30m',
    ],
    ['a fractional duration (1.5h)', `${name} payments ${value} 1.5h why`, '`1.5h` is not a duration: use 90s, 30m, 2h, 1d or 1h30m'],
    [
      'a duration without its last unit (1h30)',
      `${name} payments ${value} 1h30 why`,
      '`1h30` is not a duration: use 90s, 30m, 2h, 1d or 1h30m',
    ],
    [
      'a number without unit',
      `${name} payments ${value} 30 why`,
      '`30` is not a duration: give its unit (use 90s, 30m, 2h, 1d or 1h30m), or begin the reason with a word',
    ],
    [
      'a duration split in two (1h 30m)',
      `${name} payments ${value} 1h 30m why`,
      '`1h 30m` is not a duration: write a duration as one word, without spaces (e.g. 1h30m; use 90s, 30m, 2h, 1d or 1h30m)',
    ],
    [
      'a --member, which only invoker takes',
      `${name} payments ${value} why --member user:a@acme.example`,
      `\`--member\` is not an option of ${name}: use --project, --region or --break-glass`,
    ],
  ])('refuses %s', (_description, text, error) => expectFailure(text, error, usage));
});

describe('rotate', () => {
  const usage = rotate.usage();
  test.each<Case>([
    ['ring/key and a reason', 'rotate run/db yearly rotation', { name: 'rotate', key: 'run/db', reason: 'yearly rotation' }],
    ['a full key name', `rotate ${KEY} compromised?`, { name: 'rotate', key: KEY, reason: 'compromised?' }],
    [
      'a rotation period',
      'rotate run/db schedule it --rotation-period 90d',
      { name: 'rotate', key: 'run/db', reason: 'schedule it', rotationPeriodSeconds: 90 * 86_400 },
    ],
    [
      'the minimum rotation period',
      'rotate run/db x --rotation-period=1d',
      { name: 'rotate', key: 'run/db', reason: 'x', rotationPeriodSeconds: 86_400 },
    ],
  ])('parses %s', (_description, text, command) => expectCommand(text, command));

  test.each<Failure>([
    ['no key', 'rotate', 'Say which key: `ring/key`, or projects/P/locations/L/keyRings/R/cryptoKeys/K.'],
    [
      'a key without its ring',
      'rotate db why',
      '`db` is not a Cloud KMS key name: use `ring/key` or projects/P/locations/L/keyRings/R/cryptoKeys/K',
    ],
    ['no reason', 'rotate run/db', 'Give a reason: the approvers see it, and it is recorded.'],
    [
      'a rotation period under a day',
      'rotate run/db x --rotation-period 12h',
      '--rotation-period must be at least 1d (the Cloud KMS minimum)',
    ],
    [
      'a rotation period that is no duration',
      'rotate run/db x --rotation-period yearly',
      '`yearly` is not a duration: use 90s, 30m, 2h, 1d or 1h30m',
    ],
    ['a rotation period in words', 'rotate run/db x --rotation-period 30days', '`30days` is not a duration: use 90s, 30m, 2h, 1d or 1h30m'],
    [
      'a rotation period split in two',
      'rotate run/db x --rotation-period 30d 12h',
      '`30d 12h` is not a duration: write a duration as one word, without spaces (e.g. 30d12h; use 90s, 30m, 2h, 1d or 1h30m)',
    ],
    [
      'a --project, which rotate does not take',
      'rotate run/db x --project acme-prod',
      '`--project` is not an option of rotate: use --rotation-period',
    ],
  ])('refuses %s', (_description, text, error) => expectFailure(text, error, usage));
});

describe.each([
  ['status', status, { all: false }],
  ['revoke', revoke, { reason: undefined }],
  ['cancel', cancel, {}],
] as const)('%s', (name, module, extra) => {
  const usage = module.usage();
  test.each<Case>([
    ['an id', `${name} ${ID}`, { name, id: ID, ...extra } as Command],
    ['an id in capitals, in backticks', `${name} \`${ID.toUpperCase()}\``, { name, id: ID, ...extra } as Command],
    ['an id with a leading #', `${name} #${ID}`, { name, id: ID, ...extra } as Command],
  ])('parses %s', (_description, text, command) => expectCommand(text, command));

  test.each<Failure>([
    ['no id', name, 'Give the request id: the 10 characters shown in every message about the request.'],
    ['something that is no id', `${name} abc`, '`abc` is not a request id: ids are 10 characters like 7k3mq9xw2p'],
    ...(name === 'revoke'
      ? []
      : ([['more than the id', `${name} ${ID} please`, `${name} takes one request id, nothing else`]] as Failure[])),
    [
      'an option',
      `${name} ${ID} --force yes`,
      name === 'status' ? '`--force` is not an option of status: use --all' : `${name} takes no options (\`--force\`)`,
    ],
  ])('refuses %s', (_description, text, error) => expectFailure(text, error, usage));
});

describe('status --all and revoke with a reason', () => {
  test.each<Case>([
    ['status with --all', `status ${ID} --all`, { name: 'status', id: ID, all: true }],
    ['revoke with a reason', `revoke ${ID} the incident is over`, { name: 'revoke', id: ID, reason: 'the incident is over' }],
    ['revoke with a blank-padded reason', `revoke ${ID}   done   now `, { name: 'revoke', id: ID, reason: 'done now' }],
  ])('parses %s', (_description, text, command) => expectCommand(text, command));

  test.each<Failure>([
    ['a reason over 500 characters', `revoke ${ID} ${'x'.repeat(501)}`, 'The reason is 501 characters long: keep it to 500.'],
    ['--all with a value', `status ${ID} --all=yes`, '--all takes no value'],
  ])('refuses %s', (_description, text, error) => expect(parseCommand(text)).toMatchObject({ ok: false, error }));
});

describe('list and help', () => {
  test.each<Case>([
    ['list', 'list', { name: 'list' }],
    ['help', 'help', { name: 'help' }],
    ['empty text as help', '', { name: 'help' }],
    ['blank text as help', ' \u00a0 ', { name: 'help' }],
    ['help with anything after it', 'help invoker --please', { name: 'help' }],
  ])('parses %s', (_description, text, command) => expectCommand(text, command));

  test.each<Failure>([
    ['list with words', 'list mine', 'list takes no arguments'],
    ['list with an option', 'list --all yes', 'list takes no options (`--all`)'],
  ])('refuses %s', (_description, text, error) => expectFailure(text, error, list.usage()));

  test('help ignores even malformed options', () => {
    expect(parseCommand('help --x')).toEqual({ ok: true, command: { name: 'help' } });
    expect(help.parseArgs({ words: ['x'], flags: new Map() })).toEqual({ ok: true, args: {} });
  });
});

describe('unknown commands', () => {
  test.each<Failure>([
    [
      'an unknown subcommand',
      'grant payments 1h',
      '`grant` is not a runwarden command: use invoker, egress, ingress, rotate, convert, list, status, revoke, cancel, extend, eligible, explain, posture or help (`/warden help` explains them)',
    ],
    [
      'an option before any subcommand',
      '--member user:a@b.cd invoker',
      'Start with a command: use invoker, egress, ingress, rotate, convert, list, status, revoke, cancel, extend, eligible, explain, posture or help (`/warden help` explains them)',
    ],
  ])('refuse %s, with the overview as usage', (_description, text, error) => expectFailure(text, error, overviewUsage()));

  test('name the configured slash command', () => {
    expect(parseCommand('grant', '/jit')).toEqual({
      ok: false,
      error:
        '`grant` is not a runwarden command: use invoker, egress, ingress, rotate, convert, list, status, revoke, cancel, extend, eligible, explain, posture or help (`/jit help` explains them)',
      usage: '/jit <invoker|egress|ingress|rotate|convert|list|status|revoke|cancel|extend|eligible|explain|posture|help> …',
    });
  });

  test('the usage of a known subcommand follows the configured slash command', () => {
    expect(parseCommand('status', '/jit')).toMatchObject({ ok: false, usage: '/jit status <id> [--all]' });
  });
});

describe('extend', () => {
  const usage = extend.usage();
  test.each<Case>([
    [
      'an id, a duration and a reason',
      `extend ${ID} 2h still debugging`,
      { name: 'extend', id: ID, durationSeconds: 7200, reason: 'still debugging' },
    ],
    ['a compound duration', `extend ${ID} 1h30m more`, { name: 'extend', id: ID, durationSeconds: 5400, reason: 'more' }],
  ])('parses %s', (_description, text, command) => expect(parseCommand(text)).toEqual({ ok: true, command }));
  test.each([
    ['no duration', `extend ${ID}`],
    ['no reason', `extend ${ID} 2h`],
    ['a malformed duration', `extend ${ID} soon please`],
    ['no id', 'extend'],
  ])('refuses %s', (_description, text) => {
    const parsed = parseCommand(text);
    expect(parsed).toMatchObject({ ok: false, usage });
  });
});

describe('--start and --break-glass', () => {
  test.each([
    [
      'an RFC 3339 UTC start',
      'invoker payments 2h OPS-1 window --start 2026-12-01T09:00:00Z',
      { start: { at: new Date('2026-12-01T09:00:00Z') } },
    ],
    [
      'a start without seconds',
      'invoker payments 2h OPS-1 window --start 2026-12-01T09:00Z',
      { start: { at: new Date('2026-12-01T09:00:00Z') } },
    ],
    ['a start as a duration from now', 'invoker payments 2h OPS-1 window --start 2h', { start: { inSeconds: 7200 } }],
    [
      '--break-glass takes no value: the words after it stay in the reason',
      'invoker payments 1h --break-glass prod is down',
      { breakGlass: true, reason: 'prod is down' },
    ],
    [
      '--break-glass at the end',
      'egress payments all-traffic 1h prod is down --break-glass',
      { breakGlass: true, reason: 'prod is down', durationSeconds: 3600 },
    ],
  ])('parses %s', (_description, text, expected) => {
    const parsed = parseCommand(text);
    expect(parsed.ok && parsed.command).toMatchObject(expected);
  });

  test.each([
    [
      'a start with an offset instead of UTC',
      'invoker payments 2h why --start 2026-12-01T09:00:00+01:00',
      /not a start time: use an RFC 3339 UTC time like 2026-12-01T09:00:00Z, or a duration from now like 2h/,
    ],
    ['an impossible start date', 'invoker payments 2h why --start 2026-02-30T09:00:00Z', /not a start time/],
    ['a start that is neither a time nor a duration', 'invoker payments 2h why --start tomorrow', /`tomorrow` is not a start time/],
    ['--break-glass with a value', 'invoker payments 1h why --break-glass=yes', /--break-glass takes no value/],
    ['--start on an egress change', 'egress payments all-traffic 1h why --start 2h', /`--start` is not an option of egress/],
    ['--break-glass on a rotation', 'rotate ring/key why --break-glass', /`--break-glass` is not an option of rotate/],
  ])('refuses %s', (_description, text, error) => {
    const parsed = parseCommand(text);
    expect(parsed.ok ? 'parsed' : parsed.error).toMatch(error);
  });
});

describe('explain', () => {
  test('a request command, parsed by its kind: the kind and its arguments', () => {
    expect(parseCommand('explain invoker hello 2h debugging the login --break-glass')).toEqual({
      ok: true,
      command: {
        name: 'explain',
        kind: 'invoker',
        args: expect.objectContaining({ service: 'hello', durationSeconds: 7200, reason: 'debugging the login', breakGlass: true }),
      },
    });
    expect(parseCommand('explain EGRESS hello all-traffic 1h x')).toMatchObject({
      ok: true,
      command: { name: 'explain', kind: 'egress', args: { service: 'hello', value: 'all-traffic', durationSeconds: 3600 } },
    });
  });

  test.each([
    ['nothing to explain', 'explain', 'Say which request, as you would ask it'],
    ['not a request', 'explain list', '`list` is not a request: give a request command (invoker, egress, ingress, rotate or convert)'],
    ["the kind's own problem", 'explain invoker hello 2h', 'Give a reason'],
    ["the kind's own flags", 'explain rotate run/db x --member user:a@acme.example', '--member'],
  ])('%s: a specific message and the explain usage line', (_, text, error) => {
    expect(parseCommand(text)).toEqual({ ok: false, error: expect.stringContaining(error), usage: '/warden explain <request…>' });
  });
});

describe('eligible', () => {
  test('takes nothing', () => {
    expect(parseCommand('eligible')).toEqual({ ok: true, command: { name: 'eligible' } });
  });
  test.each([
    ['a word', 'eligible invoker', 'eligible takes no arguments'],
    ['an option', 'eligible --project acme-prod', 'eligible takes no options (`--project`)'],
  ])('refuses %s', (_what, text, error) => {
    expect(parseCommand(text)).toMatchObject({ ok: false, error, usage: '/warden eligible' });
  });
});
