/**
 * The Cloud Asset Inventory client (@google-cloud/asset): this file is the
 * only code importing it. Apart from clients.ts so that the library (and its
 * own google-gax) loads with the first posture scan, never with the request
 * path. With an emulator host (ASSET_EMULATOR_HOST) it talks plaintext gRPC
 * to the stand-in without looking up Application Default Credentials (see
 * clients.ts); otherwise it uses the runtime service account's ADC.
 */
import { AssetServiceClient } from '@google-cloud/asset';
import { emulatorOptions, type GcpClientOptions } from './clients';

export function createAssetClient(options: GcpClientOptions = {}): AssetServiceClient {
  return options.emulatorHost ? new AssetServiceClient(emulatorOptions(options.emulatorHost)) : new AssetServiceClient();
}
