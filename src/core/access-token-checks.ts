import type { Logger } from 'pino';
import { ReauthRequiredError, TokenkeeperError } from '../client/errors.js';
import type { TokenManager } from '../client/token-manager.js';
import type { AccessTokenCheck, SqlTokenStore } from '../db/token-store.js';
import { inTurns, type PacedOptions, runPaced } from './paced-workers.js';

export interface AccessTokenChecksOptions {
  store: SqlTokenStore;
  tokens: TokenManager;
  logger: Logger;
  /** Epoch seconds. */
  now: () => number;
  /** The providers whose presets check access tokens. */
  providers: readonly string[];
  /** A token checked or issued this long ago is due again. */
  dueAfterSeconds: number;
  batchSize: number;
  /** Checks at most this many in one run, the providers taking turns. */
  max: number;
  paced: PacedOptions;
  /** A connection whose token and refresh were both refused (needs re-auth now): see RefreshKeepaliveOptions.onAccessEnded. */
  onAccessEnded?: (userId: string, provider: string) => Promise<void>;
}

/** What one run did. */
export interface AccessTokenCheckCounts {
  /** Access tokens the providers were asked about. */
  checked: number;
  /** Of those, refused by the provider: each refreshed, or its connection marked needs re-auth. */
  refused: number;
  /** Checks the provider (or the database) did not answer; the next run asks again. */
  failed: number;
}

/**
 * Asks the providers whose presets can check access tokens about each live
 * one due a check: Twitch asks apps that keep a person's tokens to check them
 * at start and hourly, so that a person who disconnected the app at Twitch is
 * known to have done so even when nothing uses the connection
 * (https://dev.twitch.tv/docs/authentication/validate-tokens/). Each token is
 * claimed in the database before it is asked about, so of several servers
 * sweeping at once one asks; a token issued since the last check is not due
 * (it worked when issued). A refused one goes through
 * TokenManager.checkAccessToken: refreshed, or its connection marked needs
 * re-auth with its event and webhook.
 */
export async function checkAccessTokens(options: AccessTokenChecksOptions): Promise<AccessTokenCheckCounts> {
  const counts: AccessTokenCheckCounts = { checked: 0, refused: 0, failed: 0 };
  await inTurns(
    options.providers,
    { max: options.max, batchSize: options.batchSize, stopped: options.paced.stopped },
    (provider, limit, after: AccessTokenCheck | undefined) =>
      options.store.listAccessTokensToCheck({
        provider,
        now: options.now(),
        checkedBefore: options.now() - options.dueAfterSeconds,
        limit,
        ...(after === undefined ? {} : { afterId: after.id }),
      }),
    (page) =>
      runPaced(page, options.paced, async (token) => {
        try {
          // Still due when its turn comes (another server may have asked meanwhile): only then is it asked about.
          const now = options.now();
          if (!(await options.store.claimAccessTokenCheck(token.id, now, now - options.dueAfterSeconds))) return;
          counts.checked += 1;
          if ((await options.tokens.checkAccessToken(token.userId, token.provider)) === 'renewed') counts.refused += 1;
        } catch (error) {
          if (error instanceof ReauthRequiredError) {
            counts.refused += 1;
            await options.onAccessEnded?.(token.userId, token.provider).catch((failure: unknown) => {
              options.logger.warn({ provider: token.provider, err: failure }, 'signing out of a provider whose access ended failed');
            });
            return;
          }
          counts.failed += 1;
          const known = error instanceof TokenkeeperError;
          options.logger.warn(
            { tokenId: token.id, provider: token.provider, code: (error as { code?: string }).code, ...(known ? { error: error.message } : { err: error }) },
            'access token check failed',
          );
        }
      }),
  );
  return counts;
}
