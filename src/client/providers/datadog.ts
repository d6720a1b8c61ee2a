/**
 * Datadog (an OAuth client made in Datadog's Developer Platform, whose
 * scopes are chosen there). Plain OAuth 2.0 with PKCE and explicit
 * endpoints: no discovery, no ID token. From Datadog's docs:
 * - Datadog runs independent sites, each with its own accounts and its own
 *   API host, `https://api.<site parameter>`: US1 `datadoghq.com`, US3
 *   `us3.datadoghq.com`, US5 `us5.datadoghq.com`, EU1 `datadoghq.eu`,
 *   US1-FED `ddog-gov.com`, AP1 `ap1.datadoghq.com`, AP2 `ap2.datadoghq.com`
 *   (https://docs.datadoghq.com/getting_started/site/), and US2-FED
 *   `us2.ddog-gov.com` (the same page in Japanese,
 *   https://docs.datadoghq.com/ja/getting_started/site/);
 * - `GET /oauth2/v1/authorize` on the site's app host
 *   (`https://app.datadoghq.com` for US1) with `redirect_uri`, `client_id`,
 *   `response_type=code`, and `code_challenge` with
 *   `code_challenge_method=S256`; no scope parameter: the scopes are the
 *   client's, so none is sent. The redirect back carries the `code` and
 *   `domain`, the site the person is on, whose token endpoint is
 *   `https://api.<domain>/oauth2/v1/token`; a refusal comes back as RFC 6749's
 *   `error`
 *   (https://docs.datadoghq.com/developers/authorization/oauth2_endpoints/,
 *   https://docs.datadoghq.com/developers/authorization/oauth2_in_datadog/):
 *   the codeExchangeServer hook names `api.<domain>`, and a site among
 *   `<NAME>_REGIONAL_SERVERS` (default every site's API host above) gets the
 *   code, the profile request, the connection's API calls, refreshes and
 *   revocation; any other is refused with a clear 400 before the code (or
 *   the client's secret) goes anywhere;
 * - `POST /oauth2/v1/token`, a form with `client_id`, `client_secret`,
 *   `redirect_uri`, `grant_type`, `code_verifier` and `code`; 200 with the
 *   access and refresh tokens; access tokens live an hour, refresh tokens
 *   have no expiry until the person revokes the authorization; a
 *   `refresh_token` grant answers new access and refresh tokens. A request
 *   without the secret is a 401, another failure (a code it does not take)
 *   a 400 with RFC 6749's `error` (same page);
 * - `POST /oauth2/v1/revoke` (RFC 7009), a form with `client_id`,
 *   `client_secret`, `token` and `token_type_hint`, answering 200, also for
 *   a token it does not know (same page): RFC 7009 as the core sends it;
 * - the API is on the site's API host with the token as Bearer: each
 *   connection's API base is the API host of the site it was made at;
 *   `GET /api/v2/current_user` is the user of the token, needing no
 *   permission beyond it: `data.id`, the user's id, is the subject, with
 *   `data.attributes.name`, `email` and `handle`
 *   (https://docs.datadoghq.com/api/latest/users/get-current-user/).
 * Not checked against Datadog's own pages: the members of the token answer
 * beyond the two tokens (`token_type`, `expires_in` and `scope` assumed as
 * RFC 6749 §5.1 has them); whether a refresh ends the refresh token it used
 * (the new one is kept either way); the UK1 site (`uk1.datadoghq.com`,
 * named in Datadog's API reference but not on the stored sites page: add its
 * `https://api.uk1.datadoghq.com` to `<NAME>_REGIONAL_SERVERS` to sign its
 * people in); where a person of another site who starts at the US1 app host
 * is sent (Datadog's docs build the authorize URL from the `site` given to
 * the onboarding URL; here sign-ins start at `<NAME>_AUTHORIZE_URL`); whether
 * the e-mail is verified (stored as not known to be).
 */
import { objectOf, type ProviderPreset } from './preset.js';
import { trimmedText } from './profile-text.js';

/** Each site's API host, where its token endpoint, user API and the rest of its API are (https://docs.datadoghq.com/getting_started/site/). */
const SITE_API_HOSTS = [
  'https://api.datadoghq.com',
  'https://api.us3.datadoghq.com',
  'https://api.us5.datadoghq.com',
  'https://api.datadoghq.eu',
  'https://api.ddog-gov.com',
  'https://api.us2.ddog-gov.com',
  'https://api.ap1.datadoghq.com',
  'https://api.ap2.datadoghq.com',
];

/** The server the callback's `domain` names, `api.<domain>`, a host alone (checked against the sites before any use). */
function codeExchangeServer(parameters: URLSearchParams): string | undefined {
  const domain = parameters.get('domain');
  return domain === null ? undefined : `api.${domain.toLowerCase()}`;
}

/** The user of /api/v2/current_user: `data.id`, with the name, e-mail and handle of `data.attributes`; no one without an id. */
function profileClaims(body: unknown): Record<string, unknown> | undefined {
  const data = objectOf(objectOf(body)?.data);
  const id = trimmedText(data?.id);
  if (!data || !id) return undefined;
  const attributes = objectOf(data.attributes) ?? {};
  const kept: Record<string, unknown> = { id };
  for (const member of ['name', 'email', 'handle'] as const) {
    const value = trimmedText(attributes[member]);
    if (value) kept[member] = value;
  }
  return kept;
}

export const datadog: ProviderPreset = {
  displayName: 'Datadog',
  settings: () => ({
    endpoints: {
      authorizationEndpoint: 'https://app.datadoghq.com/oauth2/v1/authorize',
      tokenEndpoint: 'https://api.datadoghq.com/oauth2/v1/token',
      userinfoEndpoint: 'https://api.datadoghq.com/api/v2/current_user',
      revocationEndpoint: 'https://api.datadoghq.com/oauth2/v1/revoke',
    },
    regionalServers: SITE_API_HOSTS,
    scope: '',
    apiBaseUrl: 'https://api.datadoghq.com',
    connectionApiBase: { regionalServerPath: '' },
    tokenEndpointAuthMethod: 'client_secret_post',
    subjectClaim: 'id',
    claimNames: { name: 'name', email: 'email', preferredUsername: 'handle' },
    hooks: { codeExchangeServer, profileClaims },
  }),
};
