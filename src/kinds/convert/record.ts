/** A `convert` request's own fields (SPEC §11): the finding, the binding's role, the members removed, the binding as scanned, and what was removed. Pure. */
import { z } from 'zod';
import type { KindRecord } from '../kind';

export const convertRecord: KindRecord = ({ optional }) =>
  z.object({
    finding: optional(z.string()),
    role: optional(z.string()),
    members: optional(z.array(z.string())),
    expected: optional(z.array(z.string())),
    removed: optional(z.object({ role: z.string(), members: z.array(z.string()) })),
  });
