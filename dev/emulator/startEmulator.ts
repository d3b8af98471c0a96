/**
 * Starts the emulator: one plaintext gRPC server on 127.0.0.1 serving Cloud
 * Run Admin v2 Services, Cloud KMS, IAMPolicy, Operations, Locations and
 * Cloud Asset Inventory's search methods (from the same state).
 */
import { Server, ServerCredentials } from '@grpc/grpc-js';
import { assetHandlers } from './assetHandlers';
import { copyBinding, hasConditions } from './iamRules';
import { kmsHandlers, kmsIamHandlers } from './kmsHandlers';
import { keySnapshot } from './kmsModel';
import { locationsHandlers } from './locationsHandlers';
import { operationsHandlers } from './operationsHandlers';
import { loadProtos } from './protos';
import { implementation, type RpcContext } from './rpc';
import { runHandlers } from './runHandlers';
import { serviceSnapshot } from './runModel';
import { foreignUpdateService, seedFolder, seedKey, seedProject, seedService, setBindings } from './seed';
import { createState } from './state';
import type { Emulator } from './types';

function bind(server: Server, address: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.bindAsync(address, ServerCredentials.createInsecure(), (error, port) => (error ? reject(error) : resolve(port)));
  });
}

export async function startEmulator(options: { port?: number; host?: string } = {}): Promise<Emulator> {
  const protos = loadProtos();
  const state = createState();
  const context: RpcContext = { state, calls: [], latencyMs: 0 };
  const server = new Server();
  server.addService(
    protos.service('google.cloud.run.v2.Services'),
    implementation('google.cloud.run.v2.Services', context, runHandlers(state, protos)),
  );
  server.addService(
    protos.service('google.longrunning.Operations'),
    implementation('google.longrunning.Operations', context, operationsHandlers(state)),
  );
  server.addService(
    protos.service('google.cloud.location.Locations'),
    implementation('google.cloud.location.Locations', context, locationsHandlers(state)),
  );
  server.addService(
    protos.service('google.cloud.kms.v1.KeyManagementService'),
    implementation('google.cloud.kms.v1.KeyManagementService', context, kmsHandlers(state)),
  );
  server.addService(protos.service('google.iam.v1.IAMPolicy'), implementation('google.iam.v1.IAMPolicy', context, kmsIamHandlers(state)));
  server.addService(
    protos.service('google.cloud.asset.v1.AssetService'),
    implementation('google.cloud.asset.v1.AssetService', context, assetHandlers(state)),
  );

  const host = options.host ?? '127.0.0.1';
  const port = await bind(server, `${host}:${options.port ?? 0}`);
  let stopped: Promise<void> | undefined;

  return {
    address: `${host}:${port}`,
    calls: context.calls,
    stop() {
      stopped ??= new Promise((resolve) => {
        // Clients may keep channels open; do not wait on them for long.
        const timer = setTimeout(() => {
          server.forceShutdown();
          resolve();
        }, 500);
        server.tryShutdown(() => {
          clearTimeout(timer);
          resolve();
        });
      });
      return stopped;
    },
    seedService: (seed) => seedService(state, seed),
    seedKey: (seed) => seedKey(state, seed),
    seedProject: (seed) => seedProject(state, seed),
    seedFolder: (seed) => seedFolder(state, seed),
    denyAssetScope(scope) {
      state.asset.deniedScopes.add(scope);
    },
    setServiceAssetVersions(versions) {
      state.asset.serviceVersions = [...versions];
    },
    service(name) {
      const record = state.services.get(name);
      return record ? serviceSnapshot(record) : undefined;
    },
    key(name) {
      const record = state.keys.get(name);
      return record ? keySnapshot(record) : undefined;
    },
    policy(resource) {
      const stored = state.readPolicy(resource);
      return {
        version: hasConditions(stored.bindings) ? 3 : 1,
        etag: stored.etag.toString('base64'),
        bindings: stored.bindings.map(copyBinding),
      };
    },
    foreignSetBindings: (resource, bindings) => setBindings(state, resource, bindings),
    foreignUpdateService: (name, change) => foreignUpdateService(state, name, change),
    injectFault: (fault) => state.faults.inject(fault),
    beforeSetIamPolicy: (hook, hookOptions) => state.faults.addSetIamPolicyHook(hook, hookOptions),
    failNextOperation: (service, message, code) => state.faults.failNextOperation(service, message, code),
    hold: (method, resource) => state.faults.hold(method, resource),
    holdKeyGeneration(key) {
      if (!state.keys.has(key)) throw new Error(`holdKeyGeneration: no emulated key ${key}`);
      state.generationHeld.add(key);
      return {
        release() {
          state.generationHeld.delete(key);
          for (const version of state.keys.get(key)?.versions ?? []) if (version.state === 'PENDING_GENERATION') version.state = 'ENABLED';
        },
      };
    },
    setLatency(ms) {
      if (!Number.isFinite(ms) || ms < 0) throw new Error(`latency must be a non-negative number of ms, got ${ms}`);
      context.latencyMs = ms;
    },
    reset() {
      state.clear();
      context.calls.length = 0;
      context.latencyMs = 0;
    },
  };
}
