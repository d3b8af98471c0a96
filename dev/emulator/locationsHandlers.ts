/**
 * google.cloud.location.Locations: the Cloud Run regions of a project — those
 * holding seeded services, plus us-central1.
 */
import { z } from 'zod';
import { parseProject, parseRegion } from './names';
import { notFound, unimplemented } from './rpcError';
import { page, pagingSchema, parseRequest } from './wire';
import type { Handlers } from './rpc';
import type { EmulatorState } from './state';

const listSchema = pagingSchema.extend({ name: z.string().optional(), filter: z.string().optional() });
const getSchema = z.object({ name: z.string().optional() });

function regions(state: EmulatorState, project: string): string[] {
  const found = new Set(['us-central1']);
  for (const name of state.services.keys()) {
    const [, p, , location] = name.split('/');
    if (p === project && location) found.add(location);
  }
  return [...found].sort();
}

function locationToWire(project: string, location: string): object {
  return {
    name: `projects/${project}/locations/${location}`,
    locationId: location,
    displayName: location,
    labels: {},
  };
}

export function locationsHandlers(state: EmulatorState): Handlers {
  return {
    ListLocations(raw) {
      const request = parseRequest(listSchema, raw);
      const { project } = parseProject(request.name);
      if (request.filter) throw unimplemented(`ListLocations filter '${request.filter}' is not supported by the runwarden emulator`);
      const { items, nextPageToken } = page(regions(state, project), request);
      return { locations: items.map((location) => locationToWire(project, location)), nextPageToken };
    },
    GetLocation(raw) {
      const { name } = parseRequest(getSchema, raw);
      const { project, location } = parseRegion(name);
      if (!regions(state, project).includes(location)) throw notFound(String(name));
      return locationToWire(project, location);
    },
  };
}
