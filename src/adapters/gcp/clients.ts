/**
 * The Cloud Run Admin API v2 and Cloud KMS clients. This folder is the only
 * code importing @google-cloud/run and @google-cloud/kms.
 *
 * With an emulator host ("host:port", RUN_EMULATOR_HOST / KMS_EMULATOR_HOST)
 * the real client libraries talk plaintext gRPC to the stand-in and never look
 * up Application Default Credentials. google-gax decides that in two places:
 * - GrpcClient._getCredentials returns `sslCreds` as-is when given, instead of
 *   combining TLS with credentials from `auth.getClient()` (the ADC lookup);
 * - GrpcClient.createStub first asks `auth.getUniverseDomain()`, which calls
 *   `getClient()` (ADC again) unless the universe domain is set explicitly;
 *   passing `universeDomain` answers it without a lookup.
 * Without an emulator host the default constructor is used (ADC: the service
 * account of the Cloud Run service runwarden runs as).
 */
import * as grpc from '@grpc/grpc-js';
import { ServicesClient } from '@google-cloud/run';
import { KeyManagementServiceClient } from '@google-cloud/kms';
import { ErrorCode, WardenError } from '../../domain/errors';

export interface GcpClientOptions {
  /** "host:port" of a plaintext gRPC stand-in */
  emulatorHost?: string | undefined;
}

type EmulatorClientOptions = {
  apiEndpoint: string;
  port: number;
  sslCreds: grpc.ChannelCredentials;
  universeDomain: string;
};

export function createRunClient(options: GcpClientOptions = {}): ServicesClient {
  return options.emulatorHost ? new ServicesClient(emulatorOptions(options.emulatorHost)) : new ServicesClient();
}

export function createKmsClient(options: GcpClientOptions = {}): KeyManagementServiceClient {
  return options.emulatorHost ? new KeyManagementServiceClient(emulatorOptions(options.emulatorHost)) : new KeyManagementServiceClient();
}

/** The client options that point a Google client library at a plaintext gRPC stand-in, without any ADC lookup. */
export function emulatorOptions(emulatorHost: string): EmulatorClientOptions {
  const match = /^(\[[^\]]+\]|[^:]+):(\d{1,5})$/.exec(emulatorHost.trim());
  const port = Number(match?.[2]);
  if (!match?.[1] || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw new WardenError(ErrorCode.Config, `The emulator host "${emulatorHost}" is not of the form host:port.`);
  }
  return {
    apiEndpoint: match[1],
    port,
    sslCreds: grpc.credentials.createInsecure(),
    universeDomain: 'googleapis.com',
  };
}
