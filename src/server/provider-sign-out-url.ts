import * as oidc from 'openid-client';
import type { FastifyRequest } from 'fastify';
import type { Tokenkeeper } from '../core/tokenkeeper.js';

/**
 * Where a browser signing out goes to end the person's session at the
 * provider whose sign-in made this one, when that provider is configured so
 * (`<NAME>_SIGN_OUT_AT_PROVIDER=on`): its end_session_endpoint (OpenID Connect
 * RP-Initiated Logout 1.0, https://openid.net/specs/openid-connect-rpinitiated-1_0.html)
 * with the stored ID token as `id_token_hint`, the client id, and
 * `<BASE_URL>/` to come back to (the post-logout redirect URI to register
 * there). Null, and a warning, when it cannot be had: the session here has
 * ended anyway, and the person lands on the home page.
 */
export async function providerSignOutUrl(deps: Tokenkeeper, request: FastifyRequest, userId: string, providerName: string): Promise<string | null> {
  if (!deps.registry.has(providerName)) return null;
  const provider = deps.registry.get(providerName);
  if (!provider.settings.signOutAtProvider) return null;
  try {
    const configuration = await provider.configuration();
    if (!configuration.serverMetadata().end_session_endpoint) {
      request.log.warn({ provider: providerName }, 'signed out here only: the provider names no end_session_endpoint in its discovery document');
      return null;
    }
    const idToken = (await deps.tokenStore.findToken(userId, providerName))?.idToken ?? null;
    const parameters: Record<string, string> = { post_logout_redirect_uri: new URL('/', deps.config.baseUrl).href };
    if (idToken !== null) parameters.id_token_hint = idToken;
    return oidc.buildEndSessionUrl(configuration, parameters).href;
  } catch (error) {
    request.log.warn({ provider: providerName, err: error }, 'signed out here only: the provider could not be reached for its end_session_endpoint');
    return null;
  }
}
