/**
 * The Cloud Run services people may be shown (the request form's Target
 * search, `/warden eligible`): ListServices of each project asked for, every
 * region, at most MAX_SERVICES_PER_PROJECT services each (the pages past it
 * are never read), each project's listing reused for LISTING_TTL_MS. A
 * listing that fails is not kept (the next call tries again). Callers wait a
 * budget: a project whose listing is not ready by then is left out of that
 * answer and serves the next one.
 */
import type { ServiceInfo, ServicesPort, Logger } from '../ports';
import { withinAck } from '../adapters/slack/listeners/viewState';

/** How long a project's listing is reused. */
export const LISTING_TTL_MS = 30_000;
/** At most how many services one project's listing holds (all regions together). */
export const MAX_SERVICES_PER_PROJECT = 2_000;

export interface Listed {
  services: ServiceInfo[];
  /** the projects whose listing was not ready within the budget, or failed */
  missing: string[];
}

export function createServiceCatalog(deps: { services: ServicesPort; logger: Logger }) {
  const cache = new Map<string, { at: number; services: Promise<ServiceInfo[]> }>();

  function project(id: string): Promise<ServiceInfo[]> {
    const now = Date.now();
    const cached = cache.get(id);
    if (cached && now - cached.at <= LISTING_TTL_MS) return cached.services;
    const listing = deps.services.listServices(`projects/${id}/locations/-`, MAX_SERVICES_PER_PROJECT);
    cache.set(id, { at: now, services: listing });
    // a failed listing is not kept
    listing.catch((error: unknown) => {
      if (cache.get(id)?.services === listing) cache.delete(id);
      deps.logger.warn('could not list Cloud Run services', { project: id, error: String(error) });
    });
    return listing;
  }

  /** The services of `projects` that are listed within `budgetMs` (never rejects). */
  async function list(projects: readonly string[], budgetMs: number): Promise<Listed> {
    const settled = await Promise.all(
      projects.map((id) =>
        withinAck(
          project(id).then(
            (services) => services,
            () => undefined,
          ),
          budgetMs,
        ),
      ),
    );
    return {
      services: settled.flatMap((services) => services ?? []),
      missing: projects.filter((_id, index) => settled[index] === undefined),
    };
  }

  /** Starts the listings of `projects` (when the form opens) so that the first keystroke is answered from memory. */
  function warm(projects: readonly string[]): Promise<void> {
    return Promise.all(projects.map((id) => project(id).catch(() => undefined))).then(() => undefined);
  }

  return { list, warm };
}

export type ServiceCatalog = ReturnType<typeof createServiceCatalog>;
