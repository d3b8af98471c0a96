/** An `egress` or `ingress` request's own fields: the setting asked for, and the one it replaced (restored at expiry). Pure. */
import { z } from 'zod';
import type { KindRecord } from '../kind';

export const settingRecord: KindRecord = ({ optional }) =>
  z.object({
    value: optional(z.string()),
    previousValue: optional(z.string()),
  });
