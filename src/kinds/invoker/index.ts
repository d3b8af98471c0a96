/** `invoker`: time-bound permission to call a private Cloud Run service (SPEC §8's conditional binding). */
import type { KindModule } from '../kind';
import { invokerCommand, type InvokerArgs } from './command';
import { describeInvoker } from './describe';
import { createInvokerEffects } from './effects';
import { invokerRecord } from './record';
import { invokerRules } from './rules';

export const invoker: KindModule<'invoker', InvokerArgs> = {
  kind: 'invoker',
  command: invokerCommand,
  record: invokerRecord,
  rules: invokerRules,
  ending: 'condition',
  describe: describeInvoker,
  form: { option: 'invoker — call a private service', target: 'service', duration: 'required' },
  effects: (ports) => createInvokerEffects(ports),
};
