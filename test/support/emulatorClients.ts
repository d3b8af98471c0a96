/**
 * The real Google client libraries pointed at a running emulator, exactly as
 * runwarden builds them when RUN_EMULATOR_HOST / KMS_EMULATOR_HOST are set.
 */
import * as grpc from '@grpc/grpc-js';
import { ServicesClient } from '@google-cloud/run';
import { KeyManagementServiceClient } from '@google-cloud/kms';

export interface EmulatorClients {
  run: ServicesClient;
  kms: KeyManagementServiceClient;
  close(): Promise<void>;
}

function endpoint(address: string): { apiEndpoint: string; port: number; sslCreds: grpc.ChannelCredentials } {
  const at = address.lastIndexOf(':');
  return { apiEndpoint: address.slice(0, at), port: Number(address.slice(at + 1)), sslCreds: grpc.credentials.createInsecure() };
}

export function emulatorClients(address: string): EmulatorClients {
  const run = new ServicesClient(endpoint(address));
  const kms = new KeyManagementServiceClient(endpoint(address));
  return {
    run,
    kms,
    close: async () => {
      await Promise.all([run.close(), kms.close()]);
    },
  };
}
