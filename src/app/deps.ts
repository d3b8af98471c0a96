/**
 * Everything a use case may touch, handed in once by the wiring
 * (src/app/wiring.ts). Tests build the same object around emulators.
 */
import type { Policy } from '../domain/policy/schema';
import type {
  AssetInventoryPort,
  PeoplePort,
  StandingBindingsPort,
  ChatPort,
  Clock,
  DirectoryPort,
  FindingStore,
  IamPolicyPort,
  KeysPort,
  Logger,
  RequestStore,
  ServicesPort,
  ViewsPort,
} from '../ports';
import { DEFAULT_SLASH_COMMAND } from '../domain/grammar/slash';

export interface Settings {
  slashCommand: string;
  /** pending requests older than this are timed out by the sweep */
  pendingTimeoutSeconds: number;
  /** pending requests are re-announced to approvers this often */
  remindAfterSeconds: number;
  /** how long an apply/revert may run before the sweep may take it over */
  leaseSeconds: number;
  /** applies/reverts tried at most this often before the request fails */
  maxAttempts: number;
  /** every Firestore call is abandoned after this long (runwarden_database_unavailable) */
  storeTimeoutMs: number;
  /**
   * how long an apply waits for a new key version Cloud KMS is still
   * generating (HSM keys) before leaving it to the sweep's next retry, which
   * reuses that version
   */
  keyGenerationWaitSeconds: number;
  /**
   * how long Slack user-group members and profile emails are reused
   * (src/adapters/slack/cachingDirectory.ts): a change in Slack takes effect
   * in runwarden within this time
   */
  directoryCacheSeconds: number;
  /** identifies this process in leases */
  instanceId: string;
  /** whether /jobs/sweep can be called at all (WARDEN_JOBS_AUDIENCE and WARDEN_JOBS_INVOKERS set): without it nothing temporary ends */
  sweepConfigured: boolean;
  /** a sweep starts no new work after this many seconds (Cloud Scheduler's deadline is far longer); the rest waits for the next run */
  sweepBudgetSeconds: number;
  /**
   * a sweep answers by this many seconds at the latest, steps still running
   * counted in `deferred` (they finish under their leases): below Cloud
   * Scheduler's attempt deadline (120 s, infra/scheduler.tf) and the next run (60 s)
   */
  sweepDeadlineSeconds: number;
  /** services (or other resources) a sweep works on at once */
  sweepConcurrency: number;
  /** requests a sweep reads per page (a service's due invoker grants: up to this many in one IAM write) */
  sweepPageSize: number;
  /** Asset Inventory results per page of the posture scan (Google caps it at 500): the scan holds about this many at a time */
  posturePageSize: number;
  /** a posture scan starts no new page after this many seconds (within Cloud Run's request timeout); what is left is read by the next scan */
  postureBudgetSeconds: number;
}

export interface AppDeps {
  store: RequestStore;
  chat: ChatPort;
  /** modals and App Home */
  views: ViewsPort;
  directory: DirectoryPort;
  /** Slack accounts of Google identities (the members a conversion removed) */
  people: PeoplePort;
  iam: IamPolicyPort;
  services: ServicesPort;
  keys: KeysPort;
  /** Cloud Asset Inventory, read by the posture scan (SPEC §11) */
  assets: AssetInventoryPort;
  /** posture findings and scans (Firestore) */
  findings: FindingStore;
  /** a Cloud Run service's standing bindings: the posture conversion's only write */
  standing: StandingBindingsPort;
  clock: Clock;
  logger: Logger;
  /** the policy in force (read at start-up; a function so it can be reloaded) */
  policy: () => Policy;
  settings: Settings;
  randomBytes: (size: number) => Uint8Array;
}

export const DEFAULT_SETTINGS: Omit<Settings, 'instanceId'> = {
  slashCommand: DEFAULT_SLASH_COMMAND,
  pendingTimeoutSeconds: 24 * 3600,
  remindAfterSeconds: 3600,
  leaseSeconds: 300,
  maxAttempts: 5,
  sweepConfigured: true,
  storeTimeoutMs: 10_000,
  keyGenerationWaitSeconds: 30,
  directoryCacheSeconds: 30,
  sweepBudgetSeconds: 40,
  sweepDeadlineSeconds: 55,
  sweepConcurrency: 8,
  sweepPageSize: 200,
  posturePageSize: 500,
  postureBudgetSeconds: 240,
};
