import type { Logger } from 'pino';
import { ReauthRequiredError, TokenkeeperError } from '../client/errors.js';
import type { ProviderHooks } from '../client/provider-hooks.js';
import type { TokenManager } from '../client/token-manager.js';
import type { RefreshTokenEnd, SqlTokenStore } from '../db/token-store.js';
import { checkAccessTokens } from './access-token-checks.js';
import { databaseOutageLog } from './outage-log.js';
import { inTurns, runPaced } from './paced-workers.js';

const DAY_SECONDS = 86_400;
/** The longest window: a refresh token is refreshed at most this long before it would end. */
export const KEEPALIVE_MAX_WINDOW_SECONDS = 7 * DAY_SECONDS;

/** One provider as the sweep sees it: its name and the idle lifetime of its refresh tokens, if any. */
export interface KeepaliveProvider {
  name: string;
  /** Seconds a refresh token lives unused (ProviderSettings.refreshTokenIdleSeconds); undefined or 0: none. */
  refreshTokenIdleSeconds?: number | undefined;
  /** A provider whose preset can check access tokens has each live one checked by every sweep that finds it due. */
  hooks?: Pick<ProviderHooks, 'checkAccessToken' | 'renewAccessToken'> | undefined;
}

export interface RefreshKeepaliveOptions {
  store: SqlTokenStore;
  tokens: TokenManager;
  logger: Logger;
  /** Epoch seconds. */
  now: () => number;
  providers: readonly KeepaliveProvider[];
  /** Connections read per query (default 100). */
  batchSize?: number;
  /** Refreshes at most this many connections per sweep (default 1000), the providers taking turns; the rest wait for the next sweep. */
  maxPerSweep?: number;
  /** Refreshes running at once (default 4). */
  concurrency?: number;
  /** Random delay before each refresh, so servers do not hit the provider in step (default 1000 ms). */
  jitterMs?: number;
  /** Time between sweeps, give or take a fifth at random (default one hour). */
  intervalMs?: number;
  /** Delay before the first sweep (default: a random one from 1 to 5 minutes, so a deploy's restarts do not sweep in step). */
  firstSweepMs?: number;
  /** False: no sweep on a timer, only those sweep() is called for (default true). */
  scheduled?: boolean;
  /**
   * Called for a connection an access-token check found ended at the provider
   * (the token and the one refresh both refused, now needs re-auth): the
   * person took the app's access away there, and a site that signed them in
   * through it signs them out (Twitch asks it of apps that sign people in).
   */
  onAccessEnded?: (userId: string, provider: string) => Promise<void>;
}

export interface KeepaliveSweepResult {
  /** Connections found whose refresh token would end within their window, or whose renewable access token would (renewAccessToken). */
  due: number;
  /** Refreshed by this sweep. */
  refreshed: number;
  /** Renewed meanwhile by another refresh (a request, another server's sweep): nothing to do. */
  alreadyRenewed: number;
  failed: number;
  /**
   * Connections without a refresh token whose access token had ended: each marked needs re-auth, with its event
   * and webhook, instead of only when next used.
   */
  ended: number;
  /**
   * Live access tokens asked about at a provider that asks apps to check them (Twitch), each about hourly: not
   * again within three quarters of the interval, nor within that time of its issue.
   */
  checked: number;
  /** Of those, refused by the provider (the person disconnected the app): each refreshed, or marked needs re-auth. */
  refused: number;
}

export interface RefreshKeepaliveJob {
  /** One sweep now (or the one running); resolves with what it did. */
  sweep(): Promise<KeepaliveSweepResult>;
  stop(): Promise<void>;
}

/**
 * The window before a refresh token's end in which the sweep refreshes it: a
 * quarter of its lifetime, at most 7 days. The lifetime is the provider's idle
 * one, or the one it stated (`refresh_token_expires_in`) counted from the
 * refresh token's issue: GitHub App user tokens' six months and LinkedIn's
 * year get 7 days, a refresh token stated to live 2 days its last 12 hours
 * (SqlTokenStore.listRefreshTokensEnding works out the same for stated ends).
 * Without a lifetime, 7 days.
 */
export function keepaliveWindowSeconds(lifetimeSeconds: number | undefined): number {
  return lifetimeSeconds !== undefined && lifetimeSeconds > 0 ? Math.min(KEEPALIVE_MAX_WINDOW_SECONDS, Math.floor(lifetimeSeconds / 4)) : KEEPALIVE_MAX_WINDOW_SECONDS;
}

/**
 * Keeps idle refresh tokens alive (REFRESH_KEEPALIVE, on by default): many
 * providers end a refresh token nobody used for a while (Okta after 7 days
 * by default, Google after six months…), and a connection nobody used since
 * would need a new sign-in, although one refresh in time keeps it. Rarely
 * (hourly, with jitter), it lists the active connections whose refresh token
 * ends within its window — the end the provider stated
 * (`refresh_token_expires_in`), or the refresh token's last issue or use plus
 * the provider's idle lifetime — and refreshes each through TokenManager.keepAlive: the single
 * flight, the lease, and a check under the lease that no refresh renewed it
 * meanwhile, so two servers sweeping at once refresh it once. A connection
 * refreshed within its window is not listed again: a provider whose refresh
 * does not move the stated end (LinkedIn) gets one refresh, not one a sweep.
 * Failures are a refresh's: invalid_grant marks the connection "needs
 * re-auth" (with its event and webhook); a provider fault is logged and the
 * next sweep tries again. A connection without a refresh token whose access
 * token has ended is marked "needs re-auth" too, as its next use would,
 * unless its provider renews access tokens themselves (Instagram): such a
 * connection is renewed in its access token's last week instead. Last,
 * for a provider that asks apps to check the access tokens they keep (Twitch),
 * each live one due is asked about (checkAccessTokens).
 */
export function startRefreshKeepalive(options: RefreshKeepaliveOptions): RefreshKeepaliveJob {
  const batchSize = options.batchSize ?? 100;
  const maxPerSweep = options.maxPerSweep ?? 1000;
  const concurrency = options.concurrency ?? 4;
  const jitterMs = options.jitterMs ?? 1000;
  const intervalMs = options.intervalMs ?? 3_600_000;
  const checking = options.providers.filter((provider) => provider.hooks?.checkAccessToken).map((provider) => provider.name);
  const renewing = options.providers.filter((provider) => provider.hooks?.renewAccessToken).map((provider) => provider.name);
  let stopped = false;
  let current: Promise<KeepaliveSweepResult> | null = null;

  const refreshAll = (due: RefreshTokenEnd[], result: KeepaliveSweepResult) =>
    runPaced(due, { concurrency, jitterMs, stopped: () => stopped }, async (connection) => {
      try {
        // Renewed since the window opened (by a request, or another server's sweep): nothing to do.
        const outcome = await options.tokens.keepAlive(connection.userId, connection.provider, connection.windowOpensAt);
        if (outcome === 'refreshed') result.refreshed += 1;
        else result.alreadyRenewed += 1;
      } catch (error) {
        result.failed += 1;
        // A provider's refusal or fault says so in its code; anything else is ours, so the log keeps its stack.
        const known = error instanceof TokenkeeperError;
        options.logger.warn(
          { tokenId: connection.id, provider: connection.provider, code: (error as { code?: string }).code, ...(known ? { error: error.message } : { err: error }) },
          'refresh keep-alive failed',
        );
      }
    });

  // A connection whose access token ended with nothing to renew it (Facebook, LinkedIn, GitHub OAuth apps) has ended as
  // one whose refresh token did: asked for its token once, through the single flight, it is marked so, and the
  // service that waits for connection.needs_reauth hears of it within a sweep instead of when it is next used.
  const markEnded = async (result: KeepaliveSweepResult) => {
    const ended = await options.store.listTokenSummaries({
      status: 'active',
      // Those of a provider that renews access tokens themselves are renewed instead (renewAccessTokens).
      providers: options.providers.map((provider) => provider.name).filter((name) => !renewing.includes(name)),
      withoutRefreshToken: true,
      expiringBefore: options.now(),
      limit: maxPerSweep,
    });
    await runPaced(ended, { concurrency, jitterMs, stopped: () => stopped }, async (token) => {
      try {
        await options.tokens.getAccessToken(token.userId, token.provider);
      } catch (error) {
        if (error instanceof ReauthRequiredError) result.ended += 1;
        else {
          result.failed += 1;
          options.logger.warn({ tokenId: token.id, provider: token.provider, code: (error as { code?: string }).code, err: error }, 'refresh keep-alive failed');
        }
      }
    });
  };

  // A connection with no refresh token, of a provider that renews the access token itself (Instagram), lives as
  // long as its access token: renewed in its last week (KEEPALIVE_MAX_WINDOW_SECONDS), used or not, through the
  // single flight, unless renewed since it was listed. One whose token has ended is refused, and marked needs re-auth.
  const renewAccessTokens = async (result: KeepaliveSweepResult) => {
    const listedAt = options.now();
    const due = await options.store.listTokenSummaries({
      status: 'active',
      providers: renewing,
      withoutRefreshToken: true,
      expiringBefore: listedAt + KEEPALIVE_MAX_WINDOW_SECONDS,
      limit: maxPerSweep,
    });
    result.due += due.length;
    await runPaced(due, { concurrency, jitterMs, stopped: () => stopped }, async (token) => {
      try {
        const outcome = await options.tokens.refreshAhead(token.userId, token.provider, listedAt);
        if (outcome === 'refreshed') result.refreshed += 1;
        else result.alreadyRenewed += 1;
      } catch (error) {
        if (error instanceof ReauthRequiredError) result.ended += 1;
        else {
          result.failed += 1;
          const known = error instanceof TokenkeeperError;
          options.logger.warn(
            { tokenId: token.id, provider: token.provider, code: (error as { code?: string }).code, ...(known ? { error: error.message } : { err: error }) },
            'refresh keep-alive failed',
          );
        }
      }
    });
  };

  const sweepOnce = async (): Promise<KeepaliveSweepResult> => {
    const result: KeepaliveSweepResult = { due: 0, refreshed: 0, alreadyRenewed: 0, failed: 0, ended: 0, checked: 0, refused: 0 };
    const windowOf = new Map(options.providers.map((provider) => [provider.name, keepaliveWindowSeconds(provider.refreshTokenIdleSeconds)]));
    const providers = options.providers.map((provider) => ({
      name: provider.name,
      idleSeconds: provider.refreshTokenIdleSeconds !== undefined && provider.refreshTokenIdleSeconds > 0 ? provider.refreshTokenIdleSeconds : null,
    }));
    // The providers take turns (inTurns): one with a backlog or an outage leaves the others their refreshes.
    result.due = await inTurns(
      providers,
      { max: maxPerSweep, batchSize, stopped: () => stopped },
      // The clock is read for each page: a sweep of many pages still asks about what is due now.
      (provider, limit, after: RefreshTokenEnd | undefined) =>
        options.store.listRefreshTokensEnding({
          provider: provider.name,
          idleSeconds: provider.idleSeconds,
          windowSeconds: windowOf.get(provider.name)!,
          maxWindowSeconds: KEEPALIVE_MAX_WINDOW_SECONDS,
          now: options.now(),
          limit,
          ...(after ? { after: { endsAt: after.endsAt, id: after.id } } : {}),
        }),
      (page) => refreshAll(page, result),
    );
    if (!stopped) await markEnded(result);
    if (!stopped && renewing.length > 0) await renewAccessTokens(result);
    if (!stopped && checking.length > 0) {
      const counts = await checkAccessTokens({
        store: options.store,
        tokens: options.tokens,
        logger: options.logger,
        now: options.now,
        providers: checking,
        dueAfterSeconds: Math.floor((intervalMs * 0.75) / 1000),
        batchSize,
        max: maxPerSweep,
        paced: { concurrency, jitterMs, stopped: () => stopped },
        ...(options.onAccessEnded ? { onAccessEnded: options.onAccessEnded } : {}),
      });
      result.checked = counts.checked;
      result.refused = counts.refused;
      result.failed += counts.failed;
    }
    if (result.due > 0 || result.ended > 0 || result.checked > 0) options.logger.info({ ...result }, 'refresh keep-alive sweep');
    return result;
  };

  const sweep = () => {
    current ??= sweepOnce().finally(() => {
      current = null;
    });
    return current;
  };

  const outage = databaseOutageLog(options.logger, 'refresh keep-alive', 'refresh keep-alive sweep failed');
  let timer: NodeJS.Timeout | undefined;
  const schedule = (delayMs: number) => {
    if (stopped) return;
    timer = setTimeout(() => {
      sweep().then(
        () => outage.succeeded(),
        (error: unknown) => outage.failed(error),
      ).finally(() => schedule(intervalMs * (0.8 + Math.random() * 0.4)));
    }, delayMs);
    timer.unref();
  };
  if (options.scheduled !== false) schedule(options.firstSweepMs ?? 60_000 + Math.random() * 240_000);

  return {
    sweep,
    stop: async () => {
      stopped = true;
      clearTimeout(timer);
      await current?.catch(() => {});
    },
  };
}
