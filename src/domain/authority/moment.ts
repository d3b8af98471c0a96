/** The moments at which runwarden decides who may do what (decideAuthority.ts). */
export const MOMENTS = [
  'submit',
  'approve',
  'deny',
  'cancel',
  'revoke',
  'review',
  'extend',
  'approve_extension',
  'deny_extension',
  'apply',
  'apply_extension',
  'read',
] as const;
export type Moment = (typeof MOMENTS)[number];
