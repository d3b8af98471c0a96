/** A `rotate` request's own field: the rotation period asked for, in seconds. Pure. */
import { z } from 'zod';
import type { KindRecord } from '../kind';

export const rotateRecord: KindRecord = ({ optional }) => z.object({ rotationPeriodSeconds: optional(z.number().int().positive()) });
