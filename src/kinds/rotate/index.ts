/** `rotate`: a new primary version of a Cloud KMS key (a CMEK protecting Cloud Run data), optionally a new rotation schedule. */
import type { KindModule } from '../kind';
import { rotateCommand, type RotateArgs } from './command';
import { describeRotate } from './describe';
import { createRotateEffects } from './effects';
import { rotateRecord } from './record';
import { rotateRules } from './rules';

export const rotate: KindModule<'rotate', RotateArgs> = {
  kind: 'rotate',
  command: rotateCommand,
  record: rotateRecord,
  rules: rotateRules,
  ending: 'never',
  describe: describeRotate,
  form: { option: 'rotate — rotate a KMS key', target: 'key', duration: 'none' },
  effects: (ports) => createRotateEffects({ ...ports, scope: ports.defaults }),
};
