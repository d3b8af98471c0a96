/** `invoker`: time-bound permission to call a private Cloud Run service (SPEC §8's conditional binding). */
import type { KindModule } from '../kind';
import { describeInvoker } from './describe';
import { createInvokerEffects } from './effects';

export const invoker: KindModule<'invoker'> = {
  kind: 'invoker',
  describe: describeInvoker,
  form: { option: 'invoker — call a private service', target: 'service', duration: 'required' },
  effects: (ports) => createInvokerEffects(ports),
};
