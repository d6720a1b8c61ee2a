import { readTokenEndpointBody, rebuiltAnswer } from './provider-hooks.js';

/** An `error` parameter in a `WWW-Authenticate` value (`error=` or `error="…"`, not `error_description`). */
const ERROR_PARAMETER = /(?:^|[\s,])error\s*=/i;

/**
 * A token endpoint's refusal whose `WWW-Authenticate` challenge names no
 * error, while its body does (RFC 6749 §5.2's JSON): the same answer without
 * the challenge, so that the body's error is what is read. RFC 6749 §5.2 has
 * a server that refuses the client's HTTP Basic credentials answer 401 with a
 * challenge "matching the authentication scheme used by the client", such as
 * `Basic realm="OAuth2"` (Casdoor's), and its `invalid_client` in the body;
 * openid-client stops at any challenge and reads no body, which would leave
 * only "HTTP 401" to say what went wrong. A challenge that names its error
 * (Doorkeeper's, oidc-provider's) is read as it is, and any other answer is
 * left as it came.
 */
export async function withChallengeWithoutErrorDropped(response: Response): Promise<Response> {
  const challenge = response.headers.get('www-authenticate');
  if (challenge === null || response.status < 400 || response.status >= 500 || ERROR_PARAMETER.test(challenge)) return response;
  const { text, fields } = await readTokenEndpointBody(response);
  if (typeof fields?.error !== 'string' || fields.error === '') return rebuiltAnswer(response, response.status, text);
  const answer = rebuiltAnswer(response, response.status, JSON.stringify(fields), 'application/json');
  answer.headers.delete('www-authenticate');
  return answer;
}
