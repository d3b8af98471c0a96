/**
 * The posture scan (POST /jobs/posture, daily; SPEC §11): reads Google's
 * inventory across `posture.scope` through Cloud Asset Inventory — never
 * writes to Google — classifies what it reads (src/domain/posture) and keeps
 * the findings in Firestore, updated in place.
 *
 * For each scope entry, in three paged passes (each page classified and
 * recorded before the next is read, so memory follows the page size, not the
 * estate): the Cloud KMS keys (the weak ones remembered, by name: a service
 * protected by one carries its key_rotation finding), the Cloud Run services,
 * then the IAM policies of services and projects. A scope read completely has
 * its findings not seen by this scan resolved; a scope that could not be read
 * (the bot may not read it, Google failed, the time budget ran out) keeps its
 * findings as they were and is named in the answer — the other scopes are
 * still scanned.
 *
 * One scan at a time (a Firestore lease, renewed with every page: a second
 * call meanwhile is answered `busy` and changes nothing). After a scan that
 * changed something (new, reopened or resolved findings) the posture channel
 * gets a summary with the trend since last week; a summary Slack did not take
 * is owed and posted first by the next scan.
 */
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { asWardenError, ErrorCode, RateLimitedError, WardenError } from '../domain/errors';
import { classifyPolicy, classifyService, weakKey, type ClassifyContext } from '../domain/posture/classify';
import { FINDING_KINDS, type FindingDraft, type FindingKind } from '../domain/posture/finding';
import type { InventoryPolicy } from '../domain/posture/inventory';
import type { Policy, PostureSettings } from '../domain/policy/schema';
import { postureSummary } from '../adapters/slack/views/postureSummary';
import type { AppDeps } from '../app/deps';
import type { InventoryPage, PageRequest, PostureScan } from '../ports';
import { forEachLimited } from './forEachLimited';

/** What POST /jobs/posture answers: counts by finding kind (seen by this scan), then what changed and what could not be read. */
export type PostureCounts = Record<FindingKind, number> & {
  new: number;
  reopened: number;
  resolved: number;
  /** scope entries read completely / not */
  scopesRead: number;
  scopesFailed: number;
  /** inventory results the scan could not read (named in the log) */
  skipped: number;
  assetCalls: number;
  /** one line per scope not read: the scope and why, in plain words */
  problems: string[];
};

export type PostureRun =
  { status: 'done'; counts: PostureCounts; scanId: string } | { status: 'busy'; holder: string; until: Date } | { status: 'disabled' };

/** How long the scan lease holds without a renewal (every page renews it). */
const LEASE_SECONDS = 120;
/** Summaries older than this are no longer worth posting. */
const SUMMARY_MAX_AGE_MS = 7 * 86_400_000;
const SUMMARY_MAX_ATTEMPTS = 3;
/** Scope entries read at once within a pass (each holds one page at a time). */
const POSTURE_SCOPES_AT_ONCE = 4;
/** A Slack Retry-After waited out within the job, at most. */
const SUMMARY_RETRY_WAIT_SECONDS = 30;
/** New findings named in a summary. */
const SUMMARY_NEW_SHOWN = 5;

type ScopeOutcome = { scope: string; ok: boolean; problem?: string | undefined; skipped: number };

function scanIdAt(now: Date): string {
  return `${now.toISOString().replace(/[-:.]/g, '').slice(0, 15)}Z-${randomBytes(3).toString('hex')}`;
}

class BudgetExhausted extends Error {}

export function createPostureScan(deps: AppDeps) {
  const { assets, findings, clock, logger, settings } = deps;

  async function run(): Promise<PostureRun> {
    const policy = deps.policy();
    const posture = policy.posture;
    if (posture === undefined) return { status: 'disabled' };
    const holder = `${settings.instanceId}-${randomBytes(4).toString('hex')}`;
    const leaseUntil = (): Date => new Date(clock.now().getTime() + LEASE_SECONDS * 1000);
    const lease = await findings.acquireScanLease(holder, leaseUntil(), clock.now());
    if (!lease.ok) {
      logger.info('posture scan not started: another scan holds the lease', { holder: lease.holder, until: lease.until.toISOString() });
      return { status: 'busy', holder: lease.holder, until: lease.until };
    }
    try {
      await deliverOwedSummaries(posture);
      const renew = async (): Promise<void> => {
        const renewed = await findings.acquireScanLease(holder, leaseUntil(), clock.now());
        if (!renewed.ok)
          throw new WardenError(
            ErrorCode.LeaseLost,
            'Another posture scan took over.',
            `the posture scan lease was taken by ${renewed.holder}`,
          );
      };
      const { scan, counts, created } = await scan_(policy, posture, renew);
      await findings.saveScan(scan);
      for (const kind of FINDING_KINDS) logger.info('posture findings open', { kind, open: scan.open[kind] });
      logger.info('posture scan finished', {
        scanId: scan.id,
        ms: scan.finishedAt.getTime() - scan.startedAt.getTime(),
        found: scan.found,
        open: scan.open,
        created: scan.created,
        reopened: scan.reopened,
        resolved: scan.resolved,
        assetCalls: scan.assetCalls,
        skipped: counts.skipped,
        scopes: scan.scopes,
      });
      if (scan.summary.status === 'owed') await deliverSummary(scan, posture, created);
      return { status: 'done', counts, scanId: scan.id };
    } finally {
      await findings
        .releaseScanLease(holder)
        .catch((error: unknown) =>
          logger.warn('could not release the posture scan lease', { error: asWardenError(error).operatorMessage }),
        );
    }
  }

  async function scan_(
    policy: Policy,
    posture: PostureSettings,
    renew: () => Promise<void>,
  ): Promise<{ scan: PostureScan; counts: PostureCounts; created: FindingDraft[] }> {
    const startedAt = clock.now();
    const scanId = scanIdAt(startedAt);
    const started = performance.now();
    const log = logger.child({ scanId });
    const found = Object.fromEntries(FINDING_KINDS.map((k) => [k, 0])) as Record<FindingKind, number>;
    const resolvedByKind = Object.fromEntries(FINDING_KINDS.map((k) => [k, 0])) as Record<FindingKind, number>;
    const tally = { created: 0, reopened: 0, skipped: 0, assetCalls: 0 };
    /** the worst new findings, for the summary (bounded) */
    let created: FindingDraft[] = [];
    /** project number → id (Asset Inventory names projects by number in places); one entry per project */
    const projectIds = new Map<string, string>();
    /** weak keys by name: one small entry per key that rotates too rarely */
    const weakKeys = new Map<string, NonNullable<ReturnType<typeof weakKey>>>();
    const outcomes = new Map<string, ScopeOutcome>(posture.scope.map((scope) => [scope, { scope, ok: true, skipped: 0 }]));
    const context = (): ClassifyContext => ({ policy, posture, now: clock.now() });

    const overBudget = (): boolean => performance.now() - started > settings.postureBudgetSeconds * 1000;

    /** Every page of one search in one scope, each handled before the next is read. */
    async function pages<T>(
      scope: string,
      read: (page: PageRequest) => Promise<InventoryPage<T>>,
      handle: (items: T[]) => Promise<void>,
    ): Promise<void> {
      let token: string | undefined;
      do {
        if (overBudget()) throw new BudgetExhausted();
        await renew();
        tally.assetCalls += 1;
        const page = await read({ token, size: settings.posturePageSize });
        for (const pair of page.projects) projectIds.set(pair.number, pair.id);
        // one line per page, not per result: a shape Google changed would otherwise log the whole estate
        if (page.skipped.length > 0) {
          log.warn('posture scan skipped inventory results it could not read', {
            scope,
            count: page.skipped.length,
            first: page.skipped.slice(0, 3),
          });
        }
        tally.skipped += page.skipped.length;
        const outcome = outcomes.get(scope);
        if (outcome) outcome.skipped += page.skipped.length;
        await handle(page.items);
        token = page.next;
      } while (token !== undefined);
    }

    /** weak keys found protecting a service: a key_rotation finding is counted once however many services it protects */
    const keysSeen = new Set<string>();

    async function record(scope: string, drafts: FindingDraft[]): Promise<void> {
      if (drafts.length === 0) return;
      for (const d of drafts) {
        if (d.kind !== 'key_rotation') found[d.kind] += 1;
        else if (!keysSeen.has(d.resource)) {
          keysSeen.add(d.resource);
          found.key_rotation += 1;
        }
      }
      const result = await findings.record(drafts, { scanId, scope, at: clock.now() });
      tally.created += result.created.length;
      tally.reopened += result.reopened.length;
      created = [...created, ...result.created, ...result.reopened].sort((a, b) => a.severity - b.severity).slice(0, SUMMARY_NEW_SHOWN);
    }

    /** Runs one pass over every scope still readable; a scope that fails is marked and skipped by the later passes. */
    async function pass(name: string, work: (scope: string) => Promise<void>): Promise<void> {
      let leaseLost: unknown;
      const readable = [...outcomes.values()].filter((outcome) => outcome.ok);
      // scopes in parallel (at most POSTURE_SCOPES_AT_ONCE: that many pages in memory at a time): against Google, latency dominates
      await forEachLimited(readable, POSTURE_SCOPES_AT_ONCE, async (outcome) => {
        if (leaseLost !== undefined) return;
        try {
          await work(outcome.scope);
        } catch (error) {
          outcome.ok = false;
          if (error instanceof BudgetExhausted) {
            outcome.problem = `not finished within the scan's time budget (${settings.postureBudgetSeconds}s); the next scan reads it again`;
            log.error('posture scope not read', { scope: outcome.scope, pass: name, problem: outcome.problem });
            return;
          }
          const failure = asWardenError(error);
          outcome.problem = failure.userMessage;
          log.error('posture scope not read', { scope: outcome.scope, pass: name, code: failure.code, error: failure.operatorMessage });
          if (failure.code === ErrorCode.LeaseLost) leaseLost = error;
        }
      });
      if (leaseLost !== undefined) throw leaseLost;
    }

    const projectResource = (policyItem: InventoryPolicy): InventoryPolicy => {
      if (policyItem.level !== 'project') return policyItem;
      const id = projectIds.get(policyItem.resource.slice('projects/'.length));
      return id === undefined ? policyItem : { ...policyItem, resource: `projects/${id}` };
    };

    await pass('keys', (scope) =>
      pages(
        scope,
        (page) => assets.keys(scope, page),
        async (keys) => {
          for (const key of keys) {
            const weakness = weakKey(key, posture);
            if (weakness) weakKeys.set(key.name, weakness);
          }
        },
      ),
    );
    await pass('services', (scope) =>
      pages(
        scope,
        (page) => assets.services(scope, page),
        (services) =>
          record(
            scope,
            services.flatMap((service) => classifyService(service, context(), (key) => weakKeys.get(key))),
          ),
      ),
    );
    await pass('policies', (scope) =>
      pages(
        scope,
        (page) => assets.policies(scope, page),
        (policies) =>
          record(
            scope,
            policies.flatMap((item) => classifyPolicy(projectResource(item), context())),
          ),
      ),
    );
    // only a scope read completely says what is gone: one with results it could not read keeps its findings as they were
    for (const outcome of outcomes.values()) {
      if (outcome.ok && outcome.skipped > 0) {
        outcome.ok = false;
        outcome.problem = `${outcome.skipped} inventory result(s) could not be read (named in the log): its findings are kept as they were`;
      }
      if (!outcome.ok) continue;
      await renew();
      const { resolved, malformed } = await findings.resolveUnseen(outcome.scope, startedAt, clock.now());
      for (const kind of FINDING_KINDS) resolvedByKind[kind] += resolved[kind];
      for (const bad of malformed) log.error('skipped a malformed finding document', { findingId: bad.id, problem: bad.problem });
    }

    const open = await findings.countOpen({ all: true });
    const resolvedTotal = FINDING_KINDS.reduce((sum, k) => sum + resolvedByKind[k], 0);
    const changed = tally.created + tally.reopened + resolvedTotal > 0;
    const scopes = [...outcomes.values()];
    const scan: PostureScan = {
      id: scanId,
      startedAt,
      finishedAt: clock.now(),
      scopes: scopes.map((s) => ({ scope: s.scope, ok: s.ok, ...(s.problem !== undefined ? { problem: s.problem } : {}) })),
      found,
      open,
      created: tally.created,
      reopened: tally.reopened,
      resolved: resolvedTotal,
      assetCalls: tally.assetCalls,
      summary: { status: changed ? 'owed' : 'skipped', attempts: 0 },
    };
    const counts: PostureCounts = {
      ...found,
      new: tally.created,
      reopened: tally.reopened,
      resolved: resolvedTotal,
      scopesRead: scopes.filter((s) => s.ok).length,
      scopesFailed: scopes.filter((s) => !s.ok).length,
      skipped: tally.skipped,
      assetCalls: tally.assetCalls,
      problems: scopes.filter((s) => !s.ok).map((s) => `${s.scope}: ${s.problem ?? 'not read'}`),
    };
    return { scan, counts, created };
  }

  /** Posts a scan's summary in the posture channel and records its fate; never throws (the scan is done either way). */
  async function deliverSummary(scan: PostureScan, posture: PostureSettings, created: readonly FindingDraft[]): Promise<void> {
    const log = logger.child({ scanId: scan.id });
    let attempts = scan.summary.attempts;
    for (;;) {
      attempts += 1;
      try {
        const lastWeek = await findings.scanFinishedBy(new Date(scan.finishedAt.getTime() - 7 * 86_400_000));
        await deps.chat.post(posture.channel, postureSummary({ scan, lastWeek, created, slash: settings.slashCommand }));
        await findings.settleSummary(scan.id, { status: 'posted', attempts }, 'owed');
        log.info('posture summary posted', { channel: posture.channel });
        return;
      } catch (error) {
        const failure = asWardenError(error);
        if (
          failure instanceof RateLimitedError &&
          failure.retryAfterSeconds <= SUMMARY_RETRY_WAIT_SECONDS &&
          attempts < SUMMARY_MAX_ATTEMPTS
        ) {
          await new Promise((resolve) => setTimeout(resolve, failure.retryAfterSeconds * 1000));
          continue;
        }
        const permanent = failure.code === ErrorCode.SlackRefused || attempts >= SUMMARY_MAX_ATTEMPTS;
        const next = { status: permanent ? ('failed' as const) : ('owed' as const), attempts, error: failure.operatorMessage };
        await findings.settleSummary(scan.id, next, 'owed').catch(() => false);
        log.error(permanent ? 'posture summary dropped: it will not be posted' : 'posture summary not posted; the next scan posts it', {
          error: failure.operatorMessage,
          attempts,
        });
        return;
      }
    }
  }

  /** Summaries earlier scans still owe, oldest first (a week old at most: after that they are dropped). */
  async function deliverOwedSummaries(posture: PostureSettings): Promise<void> {
    const owed = await findings.owedSummaries(5).catch((error: unknown) => {
      logger.warn('could not read the posture summaries still owed', { error: asWardenError(error).operatorMessage });
      return [];
    });
    for (const scan of owed) {
      if (clock.now().getTime() - scan.finishedAt.getTime() > SUMMARY_MAX_AGE_MS) {
        await findings
          .settleSummary(scan.id, { status: 'failed', attempts: scan.summary.attempts, error: 'older than a week' }, 'owed')
          .catch(() => false);
        logger.error('posture summary dropped: older than a week', { scanId: scan.id });
        continue;
      }
      await deliverSummary(scan, posture, []);
    }
  }

  return { run };
}

export type PostureScanJob = ReturnType<typeof createPostureScan>;
