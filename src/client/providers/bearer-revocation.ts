/**
 * A provider's own "disconnect this app" call, made with the person's access
 * token: WHOOP's `DELETE /v2/user/access`, osu!'s and Zendesk's
 * `DELETE …/tokens/current`, Kakao's unlink, Canvas's and Zettle's token
 * deletion, Dialpad's deauthorization.
 */
import { ProviderUnavailableError } from '../errors.js';
import type { RevocationOutcome, RevocationRequest } from '../provider-hooks.js';

/**
 * Sends `init` to `url` with the access token as `Bearer` and reads the answer: any 2xx is revoked; a 401 to a token
 * that was live (or whose refresh the provider refused) means the grant is gone already (the person removed the app,
 * or it was revoked before); anything else is the provider's fault, said as "`<provider>` answered HTTP n to `<what>`".
 */
export async function revokeWithBearer(
  request: RevocationRequest,
  url: string,
  init: { method: string; headers?: Record<string, string> },
  said: { provider: string; what: string },
): Promise<RevocationOutcome> {
  const response = await request.send(url, { method: init.method, headers: { ...init.headers, authorization: `Bearer ${request.accessToken}` } });
  await response.body?.cancel().catch(() => {});
  if (response.status >= 200 && response.status < 300) return 'revoked';
  if (response.status === 401 && (!request.accessTokenExpired || request.refreshTokenRefused)) return 'already_revoked';
  throw new ProviderUnavailableError(response.status >= 500 ? 'provider_error' : 'provider_bad_response', `${said.provider} answered HTTP ${response.status} to ${said.what}.`);
}
