import { homeView, HOME_MAX_ITEMS, HOME_MAX_REVIEWS, type HomeData } from '../../../../src/adapters/slack/views/homeView';
import { extendModal } from '../../../../src/adapters/slack/views/extendModal';
import { requestForm } from '../../../../src/adapters/slack/views/requestForm';
import { aRequest, inStatus, NOW, at } from '../../../fixtures/requests';
import { surfaceViolations } from './blockKitLimits';

const HOSTILE = 'see <!channel> and <https://evil.example|click here> & <@U0MALLORY>';

function data(n: number): HomeData {
  const many = (status: 'active' | 'pending' | 'expired', prefix: string) =>
    Array.from({ length: n }, (_, i) =>
      inStatus(
        aRequest({ id: `${prefix}${String(i).padStart(3, '0')}aaaaaa`, reason: HOSTILE, expiresAt: at('2026-11-22T21:00:00Z') }),
        status,
      ),
    );
  const actives = many('active', 'a');
  return {
    active: actives,
    pending: many('pending', 'p'),
    awaiting: many('pending', 'w').map((r) => ({ ...r, requester: 'U0BOB' })),
    extensionsAwaiting: many('active', 'x').map((r) => ({
      ...r,
      requester: 'U0BOB',
      extensions: [
        { n: 1, duration: '1h', durationSeconds: 3600, reason: HOSTILE, status: 'pending' as const, approvals: [], requestedAt: NOW },
      ],
    })),
    awaitingReview: [],
    history: many('expired', 'h').slice(0, 10),
    extendable: new Set(actives.slice(0, 2).map((r) => r.id)),
  };
}

describe('homeView', () => {
  it.each([0, 1, 3, HOME_MAX_ITEMS, 40])('with %i items per list stays within Slack’s limits', (n) => {
    const view = homeView(data(n), NOW, '/warden');
    expect(surfaceViolations(view)).toEqual([]);
    expect(view.blocks.length).toBeLessThanOrEqual(100);
    if (n > HOME_MAX_ITEMS) expect(JSON.stringify(view)).toContain(`…and ${n - HOME_MAX_ITEMS} more`);
  });

  it('counts a list from its total when it holds only the most recent, and says when what waits may be more', () => {
    const few = data(3);
    const view = JSON.stringify(homeView({ ...few, totals: { active: 40, pending: 2 }, awaitingPartial: true }, NOW, '/warden'));
    expect(view).toContain('Your active grants (40)');
    expect(view).toContain('…and 37 more');
    expect(view).toContain('Your pending requests (3)'); // never fewer than listed
    expect(view).toContain('Waiting for your approval (6+)');
    expect(view).toContain('…and possibly more');
    const exact = JSON.stringify(homeView(few, NOW, '/warden'));
    expect(exact).toContain('Your active grants (3)');
    expect(exact).toContain('Waiting for your approval (6)');
    expect(exact).not.toContain('more;');
  });

  it('offers End now and Extend only where allowed, Cancel on pending, Approve / Deny on what waits', () => {
    const view = homeView(data(3), NOW, '/warden');
    const texts = JSON.stringify(view);
    for (const label of ['End now', 'Extend', 'Cancel', 'Approve', 'Deny']) expect(texts).toContain(`"text":"${label}"`);
    expect(texts.match(/runwarden_extend_open/g)).toHaveLength(2);
    expect(view).toMatchSnapshot();
  });
});

describe('homeView: break-glass awaiting review', () => {
  const glass = (n: number) =>
    Array.from({ length: n }, (_, i) => ({
      ...inStatus(aRequest({ id: `g${String(i).padStart(3, '0')}aaaaaa`, reason: HOSTILE }), 'active'),
      requester: 'U0BOB',
      breakGlass: true,
    }));

  it('lists no review section when nothing awaits review', () => {
    expect(JSON.stringify(homeView(data(3), NOW, '/warden'))).not.toContain('Break-glass awaiting your review');
  });

  it('offers Review on each break-glass request awaiting the user, and summarises beyond the first few', () => {
    const view = homeView({ ...data(HOME_MAX_ITEMS + 5), awaitingReview: glass(8) }, NOW, '/warden');
    const texts = JSON.stringify(view);
    expect(texts).toContain('Break-glass awaiting your review (8)');
    expect(texts.match(/"action_id":"runwarden_review"/g)).toHaveLength(HOME_MAX_REVIEWS);
    expect(texts).toContain(`…and ${8 - HOME_MAX_REVIEWS} more`);
    expect(texts).toContain('Recent history');
    expect(surfaceViolations(view)).toEqual([]);
    expect(view.blocks.length).toBeLessThanOrEqual(100);
  });
});

describe('extendModal', () => {
  it('has Duration and Reason inputs and stays within Slack’s limits', () => {
    const modal = extendModal('abcdefghjk');
    expect(surfaceViolations(modal)).toEqual([]);
    expect(modal).toMatchSnapshot();
  });
});

describe('requestForm', () => {
  const labels = (view: { blocks: unknown[] }) =>
    (view.blocks as Array<{ type: string; label?: { text: string } }>).filter((b) => b.type === 'input').map((b) => b.label?.text);
  it.each([
    [undefined, ['Kind', 'Target', 'Setting', 'Duration', 'Reason']],
    ['invoker', ['Kind', 'Target', 'Duration', 'Reason']],
    ['egress', ['Kind', 'Target', 'Setting', 'Duration', 'Reason']],
    ['ingress', ['Kind', 'Target', 'Setting', 'Duration', 'Reason']],
    ['rotate', ['Kind', 'Target', 'Reason']],
  ] as const)('for kind %s has the SPEC §9 labels and stays within Slack’s limits', (kind, expected) => {
    const form = requestForm(kind, { maxDuration: '8h', permanentAllowed: true, reason: 'start with the ticket id' });
    expect(labels(form)).toEqual(expected);
    expect(surfaceViolations(form)).toEqual([]);
    expect(form).toMatchSnapshot();
  });
});
