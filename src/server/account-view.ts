import type { Kysely } from 'kysely';
import type { ProviderRegistry } from '../client/provider-registry.js';
import { hasProviderApi } from '../client/provider-settings.js';
import { isConnectionOnly, listAccountsForUser, signInIdentities } from '../db/account.repository.js';
import type { DatabaseSchema } from '../db/schema.js';
import type { SqlTokenStore } from '../db/token-store.js';
import type { User } from '../db/user.repository.js';
import type { AccountView, ConnectionView } from './views/pages.js';

/**
 * What the account page and /api/me show of a user: their profile and, per
 * provider, the token's status — never a token value (the summaries used
 * here are read without decrypting anything).
 */
export async function loadAccountView(db: Kysely<DatabaseSchema>, tokenStore: SqlTokenStore, registry: ProviderRegistry, user: User): Promise<AccountView> {
  const [accounts, tokens] = await Promise.all([listAccountsForUser(db, user.id), tokenStore.listTokenSummariesForUser(user.id)]);
  const displayName = (provider: string) => (registry.has(provider) ? registry.get(provider).settings.displayName : provider);
  const connections: ConnectionView[] = tokens.map((token) => {
    const account = accounts.find((a) => a.provider === token.provider);
    return {
      provider: token.provider,
      displayName: displayName(token.provider),
      subject: account?.subject ?? '',
      status: token.status,
      scope: token.scope,
      expiresAt: token.expiresAt,
      lastRefreshedAt: token.lastRefreshedAt,
      hasRefreshToken: token.hasRefreshToken,
      refreshTokenExpiresAt: token.refreshTokenExpiresAt ?? null,
      lastError: token.lastError,
      hasApi: registry.has(token.provider) && hasProviderApi(registry.get(token.provider).settings),
      connectionOnly: account !== undefined && isConnectionOnly(account),
    };
  });
  const primary = accounts.find((a) => a.provider === user.provider) ?? accounts[0];
  const connected = new Set(connections.map((c) => c.provider));
  return {
    user,
    connections,
    identities: signInIdentities(accounts).map((account) => ({ provider: account.provider, displayName: displayName(account.provider), subject: account.subject, linkedAt: account.createdAt })),
    connectable: registry.list().filter((p) => !connected.has(p.name)).map((p) => ({ name: p.name, displayName: p.displayName })),
    claims: (primary?.claims ?? {}) as Record<string, unknown>,
  };
}
