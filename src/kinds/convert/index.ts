/** `convert`: a standing binding found by the posture scan replaced by just-in-time access (SPEC §11). */
import type { KindModule } from '../kind';
import { convertCommand, type ConvertArgs } from './command';
import { describeConvert } from './describe';
import { createConvertEffects } from './effects';
import { convertRecord } from './record';
import { convertRules } from './rules';

export const convert: KindModule<'convert', ConvertArgs> = {
  kind: 'convert',
  command: convertCommand,
  record: convertRecord,
  rules: convertRules,
  // a conversion is permanent: nothing of it ends by itself
  ending: 'never',
  describe: describeConvert,
  // no request-form entry: a conversion names a finding, not a service or a key
  effects: (ports) => createConvertEffects(ports),
};
