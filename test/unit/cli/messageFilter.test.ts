/** `warden messages` filters (dev/cli/messageFilter.ts): by request, by user, by time; thread replies follow their parent. */
import { messageFilter, selectMessages } from '../../../dev/cli/messageFilter';

const now = new Date('2026-12-06T03:30:00Z');
const at = (minutesAgo: number): string => new Date(now.getTime() - minutesAgo * 60_000).toISOString();
const ID = 'abcdefghjk';
const OTHER = 'mnpqrstuvw';
const state = {
  messages: [
    { channel: 'C0APPROVALS', ts: '1.1', text: `Request \`${ID}\` by <@U0ALICE>`, postedAt: at(30), history: [] },
    { channel: 'C0APPROVALS', ts: '1.2', text: 'Step 2: <!subteam^S0SECURITY>', threadTs: '1.1', postedAt: at(20), history: [] },
    { channel: 'C0APPROVALS', ts: '1.3', text: `Request \`${OTHER}\` by <@U0CAROL>`, postedAt: at(25), history: [{ at: at(2) }] },
    { channel: 'DU0ALICE', ts: '1.4', text: `Your request \`${ID}\` is approved`, postedAt: at(5), history: [] },
    {
      channel: 'C0APPROVALS',
      ts: '1.5',
      text: 'Extension',
      blocks: [{ type: 'actions', elements: [{ value: `${ID}.1` }] }],
      postedAt: at(1),
      history: [],
    },
  ],
  ephemerals: [
    { user: 'U0BOB', text: `You cannot approve \`${ID}\``, postedAt: at(10) },
    { user: 'U0ALICE', text: 'Usage: …', postedAt: at(3) },
  ],
};
const shown = (words: string[], user?: string) => {
  const picked = selectMessages(state, messageFilter(words, user, now));
  return [...picked.messages.map((m) => m.ts), ...picked.ephemerals.map((e) => `eph:${e.user}`)];
};

it('shows everything without a filter', () => {
  expect(shown([])).toEqual(['1.1', '1.2', '1.3', '1.4', '1.5', 'eph:U0BOB', 'eph:U0ALICE']);
  expect(messageFilter([], undefined, now).description).toBeUndefined();
});

it('by request: messages naming it (its extensions too), the replies in their threads, and ephemerals naming it', () => {
  expect(shown([ID])).toEqual(['1.1', '1.2', '1.4', '1.5', 'eph:U0BOB']);
  expect(shown([`${ID}.1`])).toEqual(shown([ID]));
});

it('by user: DMs and ephemerals to them, channel messages that mention them', () => {
  expect(shown([], 'U0ALICE')).toEqual(['1.1', '1.4', 'eph:U0ALICE']);
  expect(shown([], 'U0BOB')).toEqual(['eph:U0BOB']);
});

it('by time: posted or updated since a duration ago or an RFC 3339 time; filters combine', () => {
  expect(shown(['--since', '4m'])).toEqual(['1.3', '1.5', 'eph:U0ALICE']);
  expect(shown([`--since=${at(22)}`])).toEqual(['1.2', '1.3', '1.4', '1.5', 'eph:U0BOB', 'eph:U0ALICE']);
  expect(shown([ID, '--since', '6m'], 'U0ALICE')).toEqual(['1.4']);
  expect(messageFilter([ID, '--since', '2026-12-06T03:00:00Z'], 'U0ALICE', now).description).toBe(
    `about request ${ID}, for U0ALICE, since 2026-12-06T03:00:00Z`,
  );
});

it('refuses what it does not understand, saying what it takes', () => {
  expect(() => messageFilter(['--since', 'yesterday'], undefined, now)).toThrow(/--since needs a duration .* not "yesterday"/);
  expect(() => messageFilter(['--since'], undefined, now)).toThrow(/--since needs/);
  expect(() => messageFilter(['hello'], undefined, now)).toThrow(/messages takes \[<request id>\]/);
});
