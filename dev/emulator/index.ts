/** The project's gRPC emulator of Cloud Run Admin API v2 and Cloud KMS. */
export { startEmulator } from './startEmulator';
export { seedDemo } from './seedDemo';
export type {
  Emulator,
  EmulatedKey,
  EmulatedKeyVersion,
  EmulatedService,
  EgressName,
  IngressName,
  InjectedFault,
  KeyPurpose,
  NetworkInterface,
  PlainBinding,
  PlainCondition,
  PolicySnapshot,
  RecordedCall,
  SeedKey,
  SeedService,
} from './types';
