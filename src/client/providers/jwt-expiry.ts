import { decodeJwt } from 'jose';
import { readTokenEndpointBody, rebuiltAnswer } from '../provider-hooks.js';

/** Seconds until a JWT access token's `exp`, or undefined when it is not a JWT with an `exp` still ahead. */
function secondsLeftOf(accessToken: unknown): number | undefined {
  if (typeof accessToken !== 'string') return undefined;
  try {
    const { exp } = decodeJwt(accessToken);
    const left = typeof exp === 'number' ? Math.floor(exp - Date.now() / 1000) : NaN;
    return Number.isFinite(left) && left > 0 ? left : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A tokenResponse hook for a provider whose token answer has no `expires_in` but whose access token is a JWT with an
 * `exp` (monday.com's, Jobber's): a successful answer without `expires_in` gets the seconds until that `exp` as one;
 * any other answer is passed on as it was. The JWT is only read for its `exp`, never trusted for anything else.
 */
export async function expiresInFromJwt(response: Response): Promise<Response> {
  if (response.status !== 200) return response;
  const { fields } = await readTokenEndpointBody(response.clone());
  if (!fields || fields.expires_in !== undefined) return response;
  const expiresIn = secondsLeftOf(fields.access_token);
  if (expiresIn === undefined) return response;
  await response.body?.cancel().catch(() => {});
  return rebuiltAnswer(response, 200, JSON.stringify({ ...fields, expires_in: expiresIn }), 'application/json');
}
