import { describeProviderFailure } from './errors.js';
import type { ProviderRegistry } from './provider-registry.js';
import type { StoredTokenSet } from './token-store.js';

/**
 * What TokenManager.checkAccessToken did: `works` (the provider vouched for the access token), `renewed` (it
 * refused it, and a refresh replaced it), or `unchecked` (the provider has no check).
 */
export type AccessTokenCheckOutcome = 'works' | 'renewed' | 'unchecked';

/**
 * Asks the provider, through its preset's checkAccessToken hook, whether a stored access token still works:
 * true or false, undefined when it has no such check. A provider that answers neither way throws a
 * ProviderUnavailableError, as a failed refresh does.
 */
export async function askProviderIfTokenWorks(registry: ProviderRegistry, token: StoredTokenSet): Promise<boolean | undefined> {
  const provider = registry.get(token.provider);
  const { settings } = provider;
  const check = settings.hooks?.checkAccessToken;
  if (!check) return undefined;
  try {
    const issuer = (await provider.configuration()).serverMetadata().issuer;
    return await check({ issuer, clientId: settings.clientId, accessToken: token.accessToken, send: (url, init) => provider.send(url, init) });
  } catch (error) {
    throw describeProviderFailure(settings.displayName, 'access token check', error);
  }
}
