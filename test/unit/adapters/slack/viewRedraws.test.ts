/**
 * The order of a modal's redraws (src/adapters/slack/listeners/viewRedraws.ts)
 * against an in-memory ViewsPort that behaves like Slack's views.update with
 * `hash` (a version per update, hash_conflict on a stale hash) and whose calls
 * finish when the test says so — so "the first update is slow" is exact.
 */
import { createViewRedraws } from '../../../../src/adapters/slack/listeners/viewRedraws';
import { silentLogger } from '../../../../src/app/logger';
import type { SlackSurface, ViewUpdate, ViewsPort } from '../../../../src/ports';

interface Call {
  kind: unknown;
  hash: string | undefined;
  finish: () => void;
}

/** One modal on a Slack-like server: `version` counts updates; a call completes when `finish()` is called. */
function slowSlack(options: { immediate?: boolean } = {}) {
  const immediate = options.immediate ?? false;
  let version = 0;
  const calls: Call[] = [];
  let onCall: (() => void) | undefined;
  const views: ViewsPort = {
    openView: async () => ({ id: 'V1' }),
    publishHome: async () => undefined,
    updateView: (_id, view, options) =>
      new Promise<ViewUpdate>((resolve) => {
        const finish = (): void => {
          if (options?.hash !== undefined && options.hash !== `h${version}`) return resolve({ outcome: 'hash_conflict' });
          version += 1;
          resolve({ outcome: 'updated', hash: `h${version}` });
        };
        calls.push({ kind: view.private_metadata, hash: options?.hash, finish });
        if (immediate) finish();
        onCall?.();
      }),
  };
  const nextCall = (): Promise<void> => new Promise((resolve) => (onCall = resolve));
  return { views, calls, nextCall, shown: () => version };
}

const form = (kind: string) => (): SlackSurface => ({ type: 'modal', blocks: [], private_metadata: kind });

it('a slow first redraw is followed by the latest choice only, each with the hash of the version it replaces', async () => {
  const slack = slowSlack();
  const redraws = createViewRedraws({ views: slack.views, logger: silentLogger });
  const first = slack.nextCall();
  const done = Promise.all([
    redraws.redraw({ viewId: 'V1', actionTs: '1700000000.000100', hash: 'h0', render: form('invoker') }),
    first.then(() => redraws.redraw({ viewId: 'V1', actionTs: '1700000000.300000', hash: 'h0', render: form('egress') })),
    first.then(() => redraws.redraw({ viewId: 'V1', actionTs: '1700000000.600000', hash: 'h0', render: form('ingress') })),
  ]);
  await first;
  await Promise.resolve();
  expect(slack.calls.map((c) => c.kind)).toEqual(['invoker']); // the others wait for it
  const second = slack.nextCall();
  slack.calls[0]?.finish();
  await second;
  slack.calls[1]?.finish();
  await done;
  expect(slack.calls.map((c) => [c.kind, c.hash])).toEqual([
    ['invoker', 'h0'],
    ['ingress', 'h1'],
  ]);
  expect(slack.shown()).toBe(2);
});

it('drops a choice made before one already drawn, and keeps exact microsecond order', async () => {
  const slack = slowSlack();
  const redraws = createViewRedraws({ views: slack.views, logger: silentLogger });
  const auto = (): void => void slack.calls.at(-1)?.finish();
  const drawn = slack.nextCall().then(auto);
  await redraws.redraw({ viewId: 'V1', actionTs: '1700000000.000002', hash: 'h0', render: form('egress') }).then(() => drawn);
  await redraws.redraw({ viewId: 'V1', actionTs: '1700000000.000001', hash: 'h0', render: form('invoker') });
  expect(slack.calls.map((c) => c.kind)).toEqual(['egress']);
});

it('a view changed elsewhere (hash_conflict) is retried once with the payload hash of the choice, else left alone', async () => {
  const slack = slowSlack({ immediate: true });
  const redraws = createViewRedraws({ views: slack.views, logger: silentLogger });
  await redraws.redraw({ viewId: 'V1', actionTs: '1700000001.0', hash: 'h0', render: form('invoker') }); // h0 → h1
  // another instance draws h2; this process still knows h1, the user's client already shows h2
  await slack.views.updateView('V1', form('rotate')(), { hash: 'h1' });
  await redraws.redraw({ viewId: 'V1', actionTs: '1700000002.0', hash: 'h2', render: form('egress') }); // h1 refused, h2 → h3
  // another instance draws h4; a choice whose payload still says h3 cannot know better: the newer version stays
  await slack.views.updateView('V1', form('rotate')(), { hash: 'h3' });
  await redraws.redraw({ viewId: 'V1', actionTs: '1700000003.0', hash: 'h3', render: form('ingress') });
  expect(slack.calls.map((c) => [c.kind, c.hash])).toEqual([
    ['invoker', 'h0'],
    ['rotate', 'h1'],
    ['egress', 'h1'],
    ['egress', 'h2'],
    ['rotate', 'h3'],
    ['ingress', 'h3'],
  ]);
  expect(slack.shown()).toBe(4);
});
