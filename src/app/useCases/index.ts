/**
 * The use cases, built once from the app's dependencies. Slash commands and
 * button listeners call these; nothing else changes state.
 */
import type { RequestKind } from '../../domain/request';
import type { AppDeps } from '../deps';
import type { KindEffects } from '../../kinds/kind';
import { createRunner, type Runner, type RunResult } from '../runner';
import { createSweep } from '../../jobs/sweep';
import { createDecide } from './decide';
import { createExtend } from './extend';
import { createRunWeighed } from './runWeighed';
import { createQueries } from './queries';
import { createSubmit, type SubmitInput, type SubmitResult } from './submit';
import { createExplain } from './explain';
import { createHome } from './home';
import { createPostureQueries } from './posture';
import { createRequestForm } from './requestForm';
import { createEligible } from './eligible';
import { createServiceCatalog } from '../serviceCatalog';
import { createHomeRefresher } from '../homeRefresher';
import { createHomePublisher } from '../homePublisher';
import { createInflight } from '../inflight';
import { createStrayMessages } from '../strayMessages';

/** App Home publishes one process runs at once (each reads up to a few hundred documents) */
const HOME_PUBLISH_CONCURRENCY = 4;

export function createUseCases(deps: AppDeps, kinds: Record<RequestKind, KindEffects>) {
  const inflight = createInflight();
  const queries = createQueries(deps);
  const home = createHome(deps);
  // coalesced per user and bounded (a burst of submissions publishes each Home once or twice, not once per request)
  const publish = inflight.track(createHomePublisher(home.publish, HOME_PUBLISH_CONCURRENCY).schedule);
  const homes = createHomeRefresher(deps, publish, inflight.track);
  const untracked: Runner = createRunner(deps, kinds, homes);
  const runner: Runner = { ...untracked, run: inflight.track(untracked.run) };
  // tracked from its first read of the request, so a graceful stop waits for a click that is still gathering its facts
  const runWeighed = inflight.track(createRunWeighed(deps, runner));
  const extensions = createExtend(runner, runWeighed);
  const submitRequest = createSubmit(deps, kinds, runner);
  // Cloud Run service listings, per project, shared by the request form and `eligible`
  const catalog = createServiceCatalog(deps);
  const asking = createEligible(deps, catalog);
  return {
    runner,
    submit: inflight.track(async (input: SubmitInput): Promise<SubmitResult> => {
      const result = await submitRequest(input);
      if (result.ok) await homes.afterTransition(undefined, result.request);
      return result;
    }),
    /** `/warden explain`: what submit would do with a request, recording, posting and writing nothing */
    explain: createExplain(deps, kinds),
    home: { data: home.data, publish },
    // the listing started when the form opens is tracked: a graceful stop lets it end before its client closes
    requestForm: trackWarm(createRequestForm(deps, catalog, asking.openTo), inflight),
    /** `/warden eligible`: the rules that let the user ask (reads only) */
    eligible: asking.eligible,
    /** resolves once the work Slack requests started has finished (or after `timeoutMs`), for a graceful stop */
    idle: (timeoutMs: number): Promise<void> => inflight.idle(timeoutMs),
    decide: createDecide(runner, runWeighed),
    /** after a click on a channel message: a copy of the request's message (not the recorded one) is removed */
    clickedMessage: inflight.track(createStrayMessages(deps, runner)),
    extend: extensions.extend,
    decideExtension: extensions.decideExtension,
    cancel: (id: string, actor: string): Promise<RunResult> => runWeighed(id, actor, (grounds) => ({ type: 'cancel', actor, grounds })),
    list: queries.list,
    status: queries.status,
    /** posture findings (SPEC §11): `/warden posture`, the approvers' App Home */
    posture: createPostureQueries(deps),
    // a sweep's work is tracked: a graceful stop waits for it (bounded), also after the sweep answered early
    sweep: createSweep(deps, runner, kinds, homes, (work) => void inflight.track(() => work)()),
    now: (): Date => deps.clock.now(),
  };
}

function trackWarm(
  form: ReturnType<typeof createRequestForm>,
  inflight: ReturnType<typeof createInflight>,
): ReturnType<typeof createRequestForm> {
  return { ...form, warm: inflight.track(form.warm) };
}

export type UseCases = ReturnType<typeof createUseCases>;
