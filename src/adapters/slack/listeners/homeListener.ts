/**
 * App Home: when a user opens runwarden's Home tab (`app_home_opened`,
 * tab "home"), their home view is published for them (views.publish).
 */
import type { SlackListeners } from './slackListeners';
import { z } from 'zod';
import type { Logger } from '../../../ports';

const opened = z.object({ user: z.string().regex(/^[UW][A-Z0-9]+$/), tab: z.string().optional() });

export function registerHomeListener(app: SlackListeners, deps: { publish: (user: string) => Promise<void>; logger: Logger }): void {
  app.event('app_home_opened', async ({ event }) => {
    const parsed = opened.safeParse(event);
    if (!parsed.success) return deps.logger.warn('ignored a malformed app_home_opened event', {});
    if (parsed.data.tab !== undefined && parsed.data.tab !== 'home') return;
    await deps.publish(parsed.data.user);
  });
}
