import type Provider from 'oidc-provider';
import type { Account, KoaContextWithOIDC } from 'oidc-provider';

import { findAccountBySub } from './accounts.js';
import type { DevProviderLogger } from './types.js';

/** The fields of a token request worth a log line: never a token or a secret. */
function grantFields(ctx: KoaContextWithOIDC): { grantType: string | undefined; clientId: string | undefined; username?: string } {
  const account = ctx.oidc.entities.Account as Account | undefined;
  const username = account ? findAccountBySub(account.accountId)?.username : undefined;
  return { grantType: ctx.oidc.params?.grant_type, clientId: ctx.oidc.client?.clientId, ...(username ? { username } : {}) };
}

/**
 * One line per token request, as a real provider's own logs would show it:
 * whoever runs the app against the dev provider can see at the provider how
 * many refreshes were made (one for many concurrent callers), not only what
 * the app says it asked for.
 */
export function logTokenGrants(provider: Provider, logger: DevProviderLogger): void {
  provider.on('grant.success', (ctx: KoaContextWithOIDC) => {
    logger.info(grantFields(ctx), 'dev provider: token issued');
  });
  provider.on('grant.error', (ctx: KoaContextWithOIDC, error: { error?: string; error_description?: string }) => {
    logger.info({ ...grantFields(ctx), error: error.error, errorDescription: error.error_description }, 'dev provider: token request refused');
  });
}
