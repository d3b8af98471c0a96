/**
 * Loads the .proto files shipped by the client libraries (Cloud Run v2, Cloud
 * KMS v1, Cloud Asset Inventory v1) and by google-gax (IAM, long-running operations, locations), so the
 * emulator speaks exactly the wire format the real clients encode.
 */
import { dirname, join } from 'node:path';
import * as protoLoader from '@grpc/proto-loader';
import type { ServiceDefinition as GrpcServiceDefinition } from '@grpc/grpc-js';

export const SERVICE_TYPE_URL = 'type.googleapis.com/google.cloud.run.v2.Service';

const PROTO_FILES = [
  'google/cloud/run/v2/service.proto',
  'google/cloud/kms/v1/service.proto',
  'google/iam/v1/iam_policy.proto',
  'google/longrunning/operations.proto',
  'google/cloud/location/locations.proto',
  'google/cloud/asset/v1/asset_service.proto',
];

export type GrpcServiceName =
  | 'google.cloud.run.v2.Services'
  | 'google.cloud.kms.v1.KeyManagementService'
  | 'google.iam.v1.IAMPolicy'
  | 'google.longrunning.Operations'
  | 'google.cloud.location.Locations'
  | 'google.cloud.asset.v1.AssetService';

export interface EmulatorProtos {
  service(name: GrpcServiceName): GrpcServiceDefinition;
  /** encodes a plain google.cloud.run.v2.Service object (for google.protobuf.Any) */
  encodeService(service: object): Buffer;
}

function includeDirs(): string[] {
  const runDir = dirname(require.resolve('@google-cloud/run/package.json'));
  const kmsDir = dirname(require.resolve('@google-cloud/kms/package.json'));
  const assetDir = dirname(require.resolve('@google-cloud/asset/package.json'));
  // google-gax does not export its package.json; its main is build/src/index.js.
  const gaxBuild = dirname(dirname(require.resolve('google-gax', { paths: [runDir] })));
  return [join(runDir, 'build/protos'), join(kmsDir, 'build/protos'), join(assetDir, 'build/protos'), join(gaxBuild, 'protos')];
}

let cached: EmulatorProtos | undefined;

export function loadProtos(): EmulatorProtos {
  if (cached) return cached;
  // Requests decode to camelCase objects; enums as their names, int64 as
  // strings; absent fields stay absent (defaults: false) so presence is visible.
  const definition = protoLoader.loadSync(PROTO_FILES, {
    keepCase: false,
    longs: String,
    enums: String,
    defaults: false,
    oneofs: true,
    includeDirs: includeDirs(),
  });
  const serviceType = definition['google.cloud.run.v2.Service'];
  if (!serviceType || !('serialize' in serviceType) || typeof serviceType.serialize !== 'function') {
    throw new Error('google.cloud.run.v2.Service not found in the loaded protos');
  }
  const serialize = serviceType.serialize;
  const protos: EmulatorProtos = {
    service(name) {
      const found = definition[name];
      if (!found || 'format' in found) throw new Error(`gRPC service ${name} not found in the loaded protos`);
      return found as GrpcServiceDefinition;
    },
    encodeService: (service) => serialize(service),
  };
  cached = protos;
  return protos;
}
