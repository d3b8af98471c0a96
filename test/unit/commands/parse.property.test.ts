import fc from 'fast-check';
import { overviewUsage, parseCommand, SUBCOMMANDS } from '../../../commands/parse';

const USAGES = new Set([overviewUsage('/warden'), ...SUBCOMMANDS.map((subcommand) => subcommand.usage('/warden'))]);

/** Either a command with a known name, or an error sentence with one of the usage lines; never a throw. */
function checkAnswer(text: string): void {
  const parsed = parseCommand(text);
  if (parsed.ok) {
    expect(SUBCOMMANDS.map((subcommand) => subcommand.name)).toContain(parsed.command.name);
  } else {
    expect(parsed.error.length).toBeGreaterThan(0);
    expect(USAGES.has(parsed.usage)).toBe(true);
  }
}

const word = fc.oneof(
  fc.constantFrom(...SUBCOMMANDS.map((subcommand) => subcommand.name)),
  fc.constantFrom('payments', 'run/db', 'projects/acme-prod/locations/us-central1/services/payments', '7k3mq9xw2p'),
  fc.constantFrom('2h', '0s', '30m1h', '400d', '3x', '-1h', 'all-traffic', 'internal', 'all', '“quoted”', '\u2014member'),
  fc.constantFrom('--member', '--role', '--project', '--region', '--rotation-period', '--', '--x=', '--member=user:a@acme.example'),
  fc.constantFrom('user:a@acme.example', 'roles/run.invoker', 'acme-prod', 'us-central1', '<mailto:a@b.cd|a@b.cd>'),
  fc.string({ maxLength: 12 }),
);
const separator = fc.constantFrom(' ', '  ', '\u00a0', '\t', '\n', '\u2003', '\u200b');
const soup = fc.array(fc.tuple(word, separator), { maxLength: 12 }).map((parts) => parts.map(([text, gap]) => `${text}${gap}`).join(''));

describe('parseCommand on arbitrary text', () => {
  test('never throws on any string', () => {
    fc.assert(fc.property(fc.string({ maxLength: 300 }), checkAnswer), { numRuns: 1000 });
  });

  // fast-check 4's replacement for fc.fullUnicodeString: any code point
  test('never throws on any Unicode text', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 300 }), checkAnswer), { numRuns: 1000 });
  });

  test('never throws on soups of subcommands, values, flags and odd spaces', () => {
    fc.assert(fc.property(soup, checkAnswer), { numRuns: 3000 });
  });

  test('a valid invoker command survives any extra spacing between its words', () => {
    const words = ['invoker', 'payments', '2h', 'look', 'at', 'logs', '--role', 'roles/run.viewer'];
    fc.assert(
      fc.property(
        fc.array(
          separator.filter((gap) => gap !== '\u200b'),
          { minLength: words.length, maxLength: words.length },
        ),
        (gaps) => {
          const text = words.map((each, index) => `${each}${gaps[index] ?? ' '}`).join('');
          expect(parseCommand(text)).toEqual({
            ok: true,
            command: { name: 'invoker', service: 'payments', durationSeconds: 7200, reason: 'look at logs', role: 'roles/run.viewer' },
          });
        },
      ),
    );
  });
});
