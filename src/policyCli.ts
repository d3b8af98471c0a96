/**
 * `npm run policy -- …`: the policy file checked before it is deployed, by its
 * authors and in their own CI. Reads files only; talks to nothing.
 *
 *   policy check <file> [--groups <groups.yaml>] [--strict]
 *   policy explain <file> --user U… [--email E] [--groups <groups.yaml>] "<request…>"
 *   policy test <file> <cases.yaml> [--groups <groups.yaml>]
 *
 * `check` loads the file exactly as runwarden does at start-up (loadPolicy:
 * every problem with its path, exit 1) and then prints the warnings of
 * src/domain/policy/warnings.ts (a rule shadowed by an earlier one, people who
 * could never be approved, an empty or unused approver group); with
 * `--strict`, a warning fails too (exit 1). Slack user groups (S…) are looked
 * up by runwarden when it runs; here their members may be given in a YAML file
 * (`S0SECURITY: [U0DAVE, U0CAROL]`) so the checks can look inside them.
 * `explain` is the dry run of one request command (src/policyDryRun.ts: the
 * rule by name, who would approve it, auto-approval, break-glass, or exactly
 * why it would be refused); `test` runs every case of a cases file and prints
 * each mismatch.
 * Exit codes: 0 valid (explain: whatever the decision; test: every case as
 * expected), 1 invalid policy or cases file, a warning with --strict, or a
 * case not as expected; 2 wrong usage.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { loadPolicy } from './domain/policy/loadPolicy';
import { SLACK_USER_ID, type Policy } from './domain/policy/schema';
import { policyWarnings, type KnownUserGroups } from './domain/policy/warnings';
import { casesFileSchema, describeDryRun, mismatches, offlineDryRun, userGroupsSchema } from './policyDryRun';

export const POLICY_USAGE = `usage: npm run policy -- check <policy.yaml> [--groups <groups.yaml>] [--strict]
       npm run policy -- explain <policy.yaml> --user U… [--email E] [--groups <groups.yaml>] "<request…>"
       npm run policy -- test <policy.yaml> <cases.yaml> [--groups <groups.yaml>]
  check    validate the file as runwarden does at start-up, then warn about what is legal but likely wrong
  explain  what the policy would do with one request command (e.g. "invoker hello 2h debugging") asked by --user
  test     every case of a cases file against the policy; each mismatch is printed (exit 1)
  --groups  members of Slack user groups, as YAML: "S0SECURITY: [U0DAVE, U0CAROL]"
  --email   the requester's Google identity, where the policy's identities map has none
  --strict  a warning fails the check too (exit 1)`;

export interface PolicyCliIo {
  out(line: string): void;
  err(line: string): void;
}

const groupsFile = userGroupsSchema;

class UsageError extends Error {}

/** Runs the CLI; resolves to the exit code. */
export async function main(argv: string[], io: PolicyCliIo): Promise<number> {
  try {
    const [command, ...rest] = argv;
    if (command === undefined || command === '--help' || command === '-h') {
      io.out(POLICY_USAGE);
      return command === undefined ? 2 : 0;
    }
    if (command === 'check') return check(rest, io);
    if (command === 'explain') return explain(rest, io);
    if (command === 'test') return test(rest, io);
    throw new UsageError(`unknown command "${command}"`);
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`policy: ${error.message}\n${POLICY_USAGE}`);
      return 2;
    }
    io.err(`policy: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}

function check(words: string[], io: PolicyCliIo): number {
  const { positionals, flags } = parseWords(words, ['--groups'], ['--strict']);
  const [file, ...extra] = positionals;
  if (file === undefined || extra.length > 0) throw new UsageError('check takes one policy file');
  const policy = readPolicy(file, io);
  if (!policy) return 1;
  const groups = flags['--groups'] === undefined ? {} : readGroups(flags['--groups']);
  const warnings = policyWarnings(policy, groups);
  // the file's own rules (not the one derived from its posture section)
  const written = policy.rules.filter((rule) => rule.kind !== 'convert').length;
  io.out(
    `${file}: valid — ${written} rule${written === 1 ? '' : 's'}, ${Object.keys(policy.approverGroups).length} approver group(s)${warnings.length ? `, ${warnings.length} warning(s)` : ''}`,
  );
  for (const w of warnings) io.out(`  warning ${w.path}: ${w.message} [${w.code}]`);
  return warnings.length > 0 && flags['--strict'] !== undefined ? 1 : 0;
}

function explain(words: string[], io: PolicyCliIo): number {
  const { positionals, flags } = parseWords(words, ['--groups', '--user', '--email'], []);
  const [file, ...request] = positionals;
  if (file === undefined || request.length === 0) throw new UsageError('explain takes a policy file and a request command');
  const user = flags['--user'];
  if (user === undefined) throw new UsageError('explain needs --user, the Slack user ID who would ask (U…)');
  if (!SLACK_USER_ID.test(user)) throw new UsageError(`--user ${user} is not a Slack user ID (U…/W…)`);
  const policy = readPolicy(file, io);
  if (!policy) return 1;
  const groups = flags['--groups'] === undefined ? {} : readGroups(flags['--groups']);
  const answer = offlineDryRun(policy, { user, email: flags['--email'], command: request.join(' '), groups, now: new Date() });
  if (!answer.ok) throw new UsageError(`the request does not parse: ${answer.error}`);
  for (const line of describeDryRun(user, answer.ask, answer.dryRun)) io.out(line);
  return 0;
}

function test(words: string[], io: PolicyCliIo): number {
  const { positionals, flags } = parseWords(words, ['--groups'], []);
  const [file, casesPath, ...extra] = positionals;
  if (file === undefined || casesPath === undefined || extra.length > 0) throw new UsageError('test takes a policy file and a cases file');
  const policy = readPolicy(file, io);
  if (!policy) return 1;
  const parsed = casesFileSchema.safeParse(parse(readText(casesPath)) ?? {});
  if (!parsed.success) {
    io.out(`${casesPath}: invalid — ${parsed.error.issues.length} problem(s):`);
    for (const issue of parsed.error.issues) io.out(`  - ${issuePath(issue.path)}: ${issue.message}`);
    return 1;
  }
  const cases = parsed.data;
  const groups = { ...(flags['--groups'] === undefined ? {} : readGroups(flags['--groups'])), ...cases.groups };
  const now = cases.now === undefined ? new Date() : new Date(cases.now);
  let failed = 0;
  cases.cases.forEach((expected, index) => {
    const answer = offlineDryRun(policy, { user: expected.user, email: expected.email, command: expected.command, groups, now });
    const problems = mismatches(expected, answer);
    if (problems.length === 0) return;
    failed += 1;
    io.out(`✗ cases[${index}] ${expected.name ?? expected.command} (${expected.user}: ${expected.command})`);
    for (const problem of problems) io.out(`    ${problem}`);
  });
  const total = cases.cases.length;
  io.out(`${casesPath}: ${total - failed} of ${total} case(s) as expected${failed > 0 ? `, ${failed} not` : ''}`);
  return failed > 0 ? 1 : 0;
}

/** `cases[2].expect`, as the policy's own problems name paths. */
function issuePath(path: readonly PropertyKey[]): string {
  return (
    path.reduce<string>((out, key) => (typeof key === 'number' ? `${out}[${key}]` : `${out}${out ? '.' : ''}${String(key)}`), '') || '(top)'
  );
}

/** The policy in `file`, or undefined after printing every problem (as runwarden's start-up would). */
function readPolicy(file: string, io: PolicyCliIo): Policy | undefined {
  const loaded = loadPolicy(readText(file));
  if (loaded.ok) return loaded.policy;
  io.out(`${file}: invalid — ${loaded.problems.length} problem(s); runwarden would refuse to start:`);
  for (const problem of loaded.problems) io.out(`  - ${problem}`);
  return undefined;
}

function readGroups(file: string): KnownUserGroups {
  const parsed = groupsFile.safeParse(parse(readText(file)) ?? {});
  if (!parsed.success)
    throw new Error(`${file}: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(top)'} ${i.message}`).join('; ')}`);
  return parsed.data;
}

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new Error(`cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}

/** `--flag value` / `--flag=value` for `valued`, bare `--flag` for `bare`; anything else starting with -- is a usage error. */
function parseWords(
  words: string[],
  valued: string[],
  bare: string[],
): { positionals: string[]; flags: Record<string, string | undefined> } {
  const positionals: string[] = [];
  const flags: Record<string, string | undefined> = {};
  for (let i = 0; i < words.length; i += 1) {
    const word = words[i] ?? '';
    const [flag, inline] = word.startsWith('--') ? (word.split(/=(.*)/s) as [string, string | undefined]) : [word, undefined];
    if (valued.includes(flag)) {
      const value = inline ?? words[(i += 1)];
      if (value === undefined) throw new UsageError(`${flag} needs a value`);
      flags[flag] = value;
    } else if (bare.includes(flag) && inline === undefined) flags[flag] = '';
    else if (word.startsWith('--')) throw new UsageError(`unknown option ${flag}`);
    else positionals.push(word);
  }
  return { positionals, flags };
}

if (require.main === module) {
  void main(process.argv.slice(2), { out: (line) => console.log(line), err: (line) => console.error(line) }).then((code) => {
    process.exitCode = code;
  });
}
