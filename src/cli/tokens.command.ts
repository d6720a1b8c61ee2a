import { CommandFailure, parseOrReportUsage, parseSubcommand, strictParse, UsageError, wholeNumberOption } from './arguments.js';
import { ReauthRequiredError, TokenkeeperError } from '../client/errors.js';
import type { AppConfig } from '../config/config.js';
import type { Database } from '../db/database.js';
import { TokenDecryptionError } from '../db/token-cipher.js';
import type { TokenStatus, TokenSummary } from '../db/token-store.js';
import { findUserById } from '../db/user.repository.js';
import { forgetTokens } from '../core/connections.js';
import type { Tokenkeeper } from '../core/tokenkeeper.js';
import { processIo, type CommandIo } from './command-io.js';
import { runOnApplication } from './open-application.js';
import { describeExpiry, formatTokenTable, toTokenListing, type TokenListing } from './token-listing.js';

export const TOKENS_USAGE = `Usage: tokenkeeper tokens list [--json] [--provider <name>] [--status active|needs_reauth] [--limit N]
       tokenkeeper tokens refresh <id>
       tokenkeeper tokens revoke <id> [--forget]

list shows the 100 newest tokens unless --limit N (1 to 10000) says otherwise.
revoke --forget deletes the token here without sending it to its provider: for
a token that cannot be revoked there (its provider is no longer configured, or
no key in TOKEN_ENCRYPTION_KEYS decrypts it); the provider may honour it until
it expires.`;

const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 10_000;
const STATUSES: readonly TokenStatus[] = ['active', 'needs_reauth'];

export type TokensCommand =
  | { action: 'help' }
  | { action: 'list'; json: boolean; provider?: string; status?: TokenStatus; limit: number }
  | { action: 'refresh'; id: string }
  | { action: 'revoke'; id: string; forget: boolean };

/** Parses `tokens …` arguments; throws UsageError on anything it does not know. */
export function parseTokensArguments(args: readonly string[]): TokensCommand {
  const refreshOrRevoke = (subcommand: 'refresh' | 'revoke') => (rest: readonly string[]): TokensCommand => {
    const { values, positionals } = strictParse(rest, subcommand === 'revoke' ? { forget: { type: 'boolean' } } : {}, true);
    if (positionals.length !== 1 || positionals[0] === '') throw new UsageError(`${subcommand} takes exactly one token id (see \`tokenkeeper tokens list\`)`);
    return subcommand === 'revoke' ? { action: 'revoke', id: positionals[0]!, forget: values.forget === true } : { action: 'refresh', id: positionals[0]! };
  };
  return parseSubcommand<TokensCommand>(args, { action: 'help' }, {
    list: (rest) => {
      const { values } = strictParse(rest, {
        json: { type: 'boolean' },
        provider: { type: 'string' },
        status: { type: 'string' },
        limit: { type: 'string' },
      });
      const status = values.status as string | undefined;
      if (status !== undefined && !STATUSES.includes(status as TokenStatus)) {
        throw new UsageError(`--status must be ${STATUSES.join(' or ')} (got "${status}")`);
      }
      const limit = wholeNumberOption(values, 'limit', { min: 1, max: MAX_LIMIT, fallback: DEFAULT_LIMIT });
      const provider = values.provider as string | undefined;
      return {
        action: 'list',
        json: values.json === true,
        limit,
        ...(provider !== undefined ? { provider } : {}),
        ...(status !== undefined ? { status: status as TokenStatus } : {}),
      };
    },
    refresh: refreshOrRevoke('refresh'),
    revoke: refreshOrRevoke('revoke'),
  });
}

/**
 * `tokenkeeper tokens list|refresh|revoke`: the token store from the command
 * line, configured like `serve` but without the web app. Returns the exit
 * code: 0 done, 1 failed (one line on stderr), 2 bad usage. A ConfigError is
 * left to main(), which prints it as every command does.
 */
export async function runTokens(args: string[], io: CommandIo = processIo()): Promise<number> {
  const command = parseOrReportUsage('tokens', TOKENS_USAGE, io.stderr, () => parseTokensArguments(args));
  if (!command) return 2;
  if (command.action === 'help') {
    io.stdout.write(`${TOKENS_USAGE}\n`);
    return 0;
  }

  return runOnApplication(`tokens ${command.action}`, io, async (services, config, now) => {
    switch (command.action) {
      case 'list':
        return listTokens(services, command, io, now());
      case 'refresh':
        return refreshToken(services, config, command.id, io, now());
      case 'revoke':
        return command.forget ? forgetToken(services, command.id, io) : revokeToken(services, command.id, io);
    }
  });
}

async function usernamesOf(database: Database, userIds: Iterable<string>): Promise<Map<string, string>> {
  const unique = [...new Set(userIds)];
  const users = await Promise.all(unique.map((id) => findUserById(database.db, id)));
  return new Map(users.flatMap((user) => (user ? [[user.id, user.username] as const] : [])));
}

async function listTokens(services: Tokenkeeper, command: Extract<TokensCommand, { action: 'list' }>, io: CommandIo, now: number): Promise<void> {
  // Summaries: nothing is decrypted to list tokens.
  // One more than asked: whether the list stops at --limit or at the last token.
  const found = await services.tokenStore.listTokenSummaries({
    limit: command.limit + 1,
    ...(command.provider !== undefined ? { provider: command.provider } : {}),
    ...(command.status !== undefined ? { status: command.status } : {}),
  });
  const summaries = found.slice(0, command.limit);
  const usernames = await usernamesOf(services.database, summaries.map((s) => s.userId));
  const listings: TokenListing[] = summaries.map((s) => toTokenListing(s, usernames.get(s.userId) ?? null));
  if (command.json) {
    io.stdout.write(`${JSON.stringify(listings, null, 2)}\n`);
  } else {
    io.stdout.write(listings.length === 0 ? 'No tokens.\n' : `${formatTokenTable(listings, now)}\n`);
  }
  // stderr, so --json stays JSON: a list cut at --limit (100 unless given) must not pass for every token there is.
  if (found.length > command.limit) {
    io.stderr.write(`tokenkeeper tokens list: the ${command.limit} newest shown; there are more (--limit N shows up to ${MAX_LIMIT})\n`);
  }
  // A mistyped --provider lists nothing, like a provider with no tokens: say which it is (stderr, so --json stays JSON).
  // Tokens of a provider no longer configured are still listed under its name, so this is only a hint.
  if (listings.length === 0 && command.provider !== undefined && !services.registry.has(command.provider)) {
    io.stderr.write(`tokenkeeper tokens list: no provider named "${command.provider}" is configured (configured: ${services.registry.names.join(', ')})\n`);
  }
}

interface FoundToken {
  summary: TokenSummary;
  /** "alice, toolkit", for messages. */
  owner: string;
  username: string;
}

async function findTokenOrFail(services: Tokenkeeper, id: string): Promise<FoundToken> {
  const summary = await services.tokenStore.findTokenSummaryById(id);
  if (!summary) throw new CommandFailure(`no token with id "${id}" (see \`tokenkeeper tokens list\`).`);
  const username = (await findUserById(services.database.db, summary.userId))?.username ?? summary.userId;
  return { summary, owner: `${username}, ${summary.provider}`, username };
}

/**
 * A token whose values no configured key decrypts (its key was removed from
 * TOKEN_ENCRYPTION_KEYS) can be neither refreshed nor revoked: its provider
 * is never sent it, and the row stays for that key to come back or for its
 * user's next sign-in, which replaces it.
 */
function unreadable(error: TokenDecryptionError, found: FoundToken, displayName: string): CommandFailure {
  return new CommandFailure(
    `token ${found.summary.id} (${found.owner}) cannot be read: ${error.message}; nothing was sent to ${displayName} or changed here (put that key back in TOKEN_ENCRYPTION_KEYS, or ${found.username} signs in with ${displayName} again, which replaces it; \`tokenkeeper tokens revoke ${found.summary.id} --forget\` deletes it here).`,
    { cause: error },
  );
}

/** The display name of the token's provider; a provider OAUTH_PROVIDERS no longer lists fails, saying what can be done. */
function configuredProvider(services: Tokenkeeper, found: FoundToken, done: 'refreshed' | 'revoked'): string {
  const { summary, owner } = found;
  if (!services.registry.has(summary.provider)) {
    throw new CommandFailure(
      `token ${summary.id} (${owner}) is of the provider "${summary.provider}", which OAUTH_PROVIDERS does not list: it cannot be ${done} there. \`tokenkeeper tokens revoke ${summary.id} --forget\` deletes it here.`,
    );
  }
  return services.registry.get(summary.provider).settings.displayName;
}

async function refreshToken(services: Tokenkeeper, config: AppConfig, id: string, io: CommandIo, now: number): Promise<void> {
  const found = await findTokenOrFail(services, id);
  const { summary, owner, username } = found;
  const displayName = configuredProvider(services, found, 'refreshed');
  let expiresAt: number | null;
  try {
    ({ expiresAt } = await services.tokens.refresh(summary.userId, summary.provider, { force: true }));
  } catch (error) {
    if (error instanceof TokenDecryptionError) throw unreadable(error, found, displayName);
    if (error instanceof ReauthRequiredError) {
      throw new CommandFailure(`token ${id} (${owner}) needs re-auth: ${username} must sign in with ${displayName} again.`, { cause: error });
    }
    if (error instanceof TokenkeeperError) {
      // Without OAUTH_PROVIDERS the provider is the dev provider inside a running `serve`; this command does not start one.
      const hint =
        config.devProvider && error.code === 'provider_unreachable'
          ? ` Is \`tokenkeeper serve\` running? Without OAUTH_PROVIDERS the provider is its local dev provider at ${config.devProvider.issuer}.`
          : '';
      throw new CommandFailure(`could not refresh token ${id} (${owner}): ${error.message}${hint}`, { cause: error });
    }
    throw error;
  }
  const expiry = expiresAt === null ? 'has no expiry' : `expires ${describeExpiry(expiresAt, now)}`;
  io.stdout.write(`Refreshed token ${id} (${owner}): the new access token ${expiry}.\n`);
}

async function revokeToken(services: Tokenkeeper, id: string, io: CommandIo): Promise<void> {
  const found = await findTokenOrFail(services, id);
  const { summary, owner } = found;
  const displayName = configuredProvider(services, found, 'revoked');
  const result = await services.tokens.revoke(summary.userId, summary.provider).catch((error: unknown) => {
    throw error instanceof TokenDecryptionError ? unreadable(error, found, displayName) : error;
  });
  io.stdout.write(
    result.revokedAtProvider
      ? `Revoked token ${id} (${owner}): ${displayName} confirmed the revocation; the stored tokens are deleted.\n`
      : `Deleted token ${id} (${owner}) locally; ${displayName} did not confirm the revocation: ${(result.error ?? 'no reason given').replace(/\.$/, '')}.\n`,
  );
}

/** `revoke --forget`: the token deleted here, sent to no provider (see forgetTokens). */
async function forgetToken(services: Tokenkeeper, id: string, io: CommandIo): Promise<void> {
  const { summary, owner } = await findTokenOrFail(services, id);
  await forgetTokens(services, summary.userId, summary.provider, 'tokens revoke --forget');
  const where = services.registry.has(summary.provider) ? services.registry.get(summary.provider).settings.displayName : `"${summary.provider}"`;
  io.stdout.write(`Deleted token ${id} (${owner}) here, without sending it to ${where}: it may keep working there until it expires.\n`);
}
