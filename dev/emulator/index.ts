/** The project's gRPC emulator of Cloud Run Admin API v2, Cloud KMS and Cloud Asset Inventory's search. */
export { startEmulator } from './startEmulator';
export { seedDemo } from './seedDemo';
export { seedPostureDemo } from './seedPostureDemo';
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
  SeedFolder,
  SeedKey,
  SeedProject,
  SeedService,
} from './types';
