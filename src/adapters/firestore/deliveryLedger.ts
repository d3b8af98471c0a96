/**
 * Firestore implementation of DeliveryLedger: collection `deliveries`, one
 * document per Slack delivery key (the slash command's trigger_id, hashed:
 * document ids may not hold every character a trigger_id may). create() is
 * atomic, so of two deliveries of the same command — Slack's retries
 * (X-Slack-Retry-Num), Socket Mode redelivery — exactly one claims it. Each
 * document carries `expireAt` for a Firestore TTL policy (a day is far past
 * any redelivery).
 */
import { createHash } from 'node:crypto';
import type { Firestore } from '@google-cloud/firestore';
import { z } from 'zod';
import type { DeliveryLedger, DeliveryReply } from '../../ports';

export const DELIVERIES = 'deliveries';
const KEEP_MS = 24 * 3600 * 1000;
/** gRPC ALREADY_EXISTS, what create() fails with when the document exists. */
const ALREADY_EXISTS = 6;

const stored = z.object({ reply: z.object({ text: z.string(), blocks: z.string().optional() }).optional() });

function docId(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

function isAlreadyExists(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'code' in error && error.code === ALREADY_EXISTS;
}

export function createDeliveryLedger(deps: { firestore: Firestore }): DeliveryLedger {
  const deliveries = deps.firestore.collection(DELIVERIES);
  return {
    async claim(key, now) {
      try {
        await deliveries.doc(docId(key)).create({ claimedAt: now, expireAt: new Date(now.getTime() + KEEP_MS) });
        return { first: true };
      } catch (error) {
        if (!isAlreadyExists(error)) throw error;
        return { first: false };
      }
    },

    async reply(key) {
      const snapshot = await deliveries.doc(docId(key)).get();
      const parsed = stored.safeParse(snapshot.data() ?? {});
      const reply = parsed.success ? parsed.data.reply : undefined;
      if (!reply) return undefined;
      const blocks = reply.blocks === undefined ? undefined : (JSON.parse(reply.blocks) as unknown[]);
      return { text: reply.text, ...(blocks ? { blocks } : {}) } satisfies DeliveryReply;
    },

    async record(key, reply) {
      const value = { text: reply.text, ...(reply.blocks ? { blocks: JSON.stringify(reply.blocks) } : {}) };
      await deliveries.doc(docId(key)).set({ reply: value }, { merge: true });
    },
  };
}
