/** An `invoker` request's own fields: the binding's role and member, and a scheduled grant's window. Pure. */
import { z } from 'zod';
import type { KindRecord } from '../kind';

export const invokerRecord: KindRecord = ({ date, optional }) =>
  z.object({
    role: optional(z.string()),
    member: optional(z.string()),
    startsAt: optional(date),
    startNotifiedAt: optional(date),
  });
