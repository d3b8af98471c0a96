/** `egress` and `ingress`: a change of one setting of a Cloud Run service, permanent or for a while; one module for both. */
import { EGRESS_VALUES, INGRESS_VALUES } from '../../domain/request';
import type { KindModule } from '../kind';
import { settingCommand, type SettingArgs } from './command';
import { describeSetting } from './describe';
import { createSettingEffects } from './effects';
import { settingRecord } from './record';
import { settingRules } from './rules';

export const egress: KindModule<'egress', SettingArgs> = {
  kind: 'egress',
  command: settingCommand('egress'),
  record: settingRecord,
  rules: settingRules,
  ending: 'sweep',
  describe: describeSetting('egress'),
  form: { option: 'egress — VPC egress setting', target: 'service', settings: EGRESS_VALUES, duration: 'optional' },
  effects: (ports) => createSettingEffects('egress', ports),
};

export const ingress: KindModule<'ingress', SettingArgs> = {
  kind: 'ingress',
  command: settingCommand('ingress'),
  record: settingRecord,
  rules: settingRules,
  ending: 'sweep',
  describe: describeSetting('ingress'),
  form: { option: 'ingress — ingress setting', target: 'service', settings: INGRESS_VALUES, duration: 'optional' },
  effects: (ports) => createSettingEffects('ingress', ports),
};
