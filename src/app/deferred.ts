/**
 * A port whose adapter is built on first use. Start-up then loads nothing
 * heavy: the Firestore client, google-gax and the Cloud Run / KMS protobuf
 * descriptors (tens of MB and most of a second of CPU) load when the first
 * request that needs them arrives — after Slack has been acknowledged.
 *
 * `methods` lists every method of the port (`Record<keyof T, true>`, so the
 * compiler rejects a port that gains a method this list lacks). Each call
 * awaits the one shared `load()`; a failed load is forgotten, so the next call
 * tries again rather than failing forever.
 */
export type AsyncPort<T> = { [K in keyof T]: T[K] extends (...args: never[]) => Promise<unknown> ? T[K] : never };

export function deferred<T extends AsyncPort<T>>(load: () => Promise<T>, methods: Record<keyof T, true>): T {
  const adapter = once(load);
  const port: Partial<Record<keyof T, (...args: unknown[]) => Promise<unknown>>> = {};
  for (const name of Object.keys(methods) as (keyof T)[]) {
    port[name] = async (...args: unknown[]) => {
      const target = await adapter();
      const method = target[name] as (...a: unknown[]) => Promise<unknown>;
      return method.apply(target, args);
    };
  }
  return port as T;
}

/** The value of `load()`, computed once on first call (a failed load is retried on the next call). */
export function once<T>(load: () => Promise<T>): () => Promise<T> {
  let loading: Promise<T> | undefined;
  return () =>
    (loading ??= load().catch((error: unknown) => {
      loading = undefined;
      throw error;
    }));
}
