/**
 * Shared wire helpers: zod schemas for the well-known types as proto-loader
 * decodes them (int64 as strings, enums as names), conversions back, and
 * list paging with opaque page tokens.
 */
import { z } from 'zod';
import { invalidArgument } from './rpcError';

export const int64 = z.union([z.string(), z.number()]).transform((value) => Number(value));

export const timestampSchema = z.object({ seconds: int64.optional(), nanos: z.number().optional() });
export const durationSchema = timestampSchema;
export const fieldMaskSchema = z.object({ paths: z.array(z.string()).optional() });

export type WireTimestamp = { seconds: string; nanos: number };

export function toTimestamp(date: Date): WireTimestamp {
  const ms = date.getTime();
  const seconds = Math.floor(ms / 1000);
  return { seconds: String(seconds), nanos: (ms - seconds * 1000) * 1_000_000 };
}

export function fromTimestamp(value: z.infer<typeof timestampSchema>): Date {
  return new Date((value.seconds ?? 0) * 1000 + Math.floor((value.nanos ?? 0) / 1_000_000));
}

export function toDuration(seconds: number): WireTimestamp {
  const whole = Math.floor(seconds);
  return { seconds: String(whole), nanos: Math.round((seconds - whole) * 1e9) };
}

export function fromDuration(value: z.infer<typeof durationSchema>): number {
  return (value.seconds ?? 0) + (value.nanos ?? 0) / 1e9;
}

/** Parses a decoded request; a mismatch is the caller's INVALID_ARGUMENT. */
export function parseRequest<T extends z.ZodType>(schema: T, request: unknown): z.infer<T> {
  const parsed = schema.safeParse(request);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue ? issue.path.join('.') : '';
    throw invalidArgument(`Invalid request${where ? ` field '${where}'` : ''}: ${issue?.message ?? 'malformed'}`);
  }
  return parsed.data;
}

export const pagingSchema = z.object({ pageSize: z.number().optional(), pageToken: z.string().optional() });

/** One page of `items`; page tokens are opaque offsets, rejected when forged. */
export function page<T>(
  items: readonly T[],
  request: z.infer<typeof pagingSchema>,
  defaultSize = 100,
  maxSize = 1000,
): { items: T[]; nextPageToken: string } {
  const size = request.pageSize ?? 0;
  if (size < 0) throw invalidArgument('page_size must not be negative');
  const limit = Math.min(size === 0 ? defaultSize : size, maxSize);
  let offset = 0;
  if (request.pageToken) {
    const decoded = /^o:(\d+)$/.exec(Buffer.from(request.pageToken, 'base64url').toString('utf8'));
    if (!decoded) throw invalidArgument(`Invalid page token '${request.pageToken}'`);
    offset = Number(decoded[1]);
    if (offset > items.length) throw invalidArgument(`Invalid page token '${request.pageToken}'`);
  }
  const next = offset + limit;
  return {
    items: items.slice(offset, next),
    nextPageToken: next < items.length ? Buffer.from(`o:${next}`, 'utf8').toString('base64url') : '',
  };
}
