/**
 * The use cases, built once from the app's dependencies. Slash commands and
 * button listeners call these; nothing else changes state.
 */
import type { RequestKind } from '../../domain/request';
import type { AppDeps } from '../deps';
import type { KindHandler } from '../kinds/kindHandler';
import { createRunner, type Runner, type RunResult } from '../runner';
import { createSweep } from '../../jobs/sweep';
import { createDecide } from './decide';
import { createExtend } from './extend';
import { createQueries } from './queries';
import { createSubmit, type SubmitInput, type SubmitResult } from './submit';
import { createHome } from './home';
import { createHomeRefresher } from '../homeRefresher';

export function createUseCases(deps: AppDeps, handlers: Record<RequestKind, KindHandler>) {
  const queries = createQueries(deps);
  const home = createHome(deps, queries.list);
  const homes = createHomeRefresher(deps, home.publish);
  const runner: Runner = createRunner(deps, handlers, homes);
  const extensions = createExtend(deps, runner);
  const submitRequest = createSubmit(deps, handlers, runner);
  return {
    runner,
    async submit(input: SubmitInput): Promise<SubmitResult> {
      const result = await submitRequest(input);
      if (result.ok) await homes.afterTransition(undefined, result.request);
      return result;
    },
    home,
    decide: createDecide(deps, runner),
    extend: extensions.extend,
    decideExtension: extensions.decideExtension,
    cancel: (id: string, actor: string): Promise<RunResult> => runner.run(id, { type: 'cancel', actor }),
    list: queries.list,
    status: queries.status,
    sweep: createSweep(deps, runner, handlers),
    now: (): Date => deps.clock.now(),
  };
}

export type UseCases = ReturnType<typeof createUseCases>;
