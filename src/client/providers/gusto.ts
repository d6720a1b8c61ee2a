/**
 * Gusto (the App Integrations API, for apps a company's admin connects).
 * Plain OAuth 2.0 without discovery or an ID token. From Gusto's docs
 * (https://docs.gusto.com/app-integrations/docs/authentication,
 * https://docs.gusto.com/app-integrations/docs/oauth2):
 * - production is `https://api.gusto.com`; apps are built and tested against
 *   the demo environment, `https://api.gusto-demo.com`, with the same paths
 *   (`<NAME>_BASE_URL=https://api.gusto-demo.com`). Only a company's primary
 *   or full-access admin can authorize an app;
 * - `GET /oauth/authorize` with `client_id`, `redirect_uri` and
 *   `response_type=code`. No scope is sent: the documented request has
 *   none, an app's scopes are those it was given, and the token answer
 *   names them. Since version
 *   v2023-05-01 ("strict access") a grant reaches one company: an admin of
 *   several authorizes each on its own;
 * - `POST /oauth/token` takes its parameters as the JSON Gusto's examples
 *   send, `client_id`, `client_secret`, `redirect_uri`, `code` and
 *   `grant_type`, or `refresh_token` for a refresh; the tokenRequest hook
 *   sends openid-client's form as that JSON. The client secret may not be
 *   put in the URL (a 400)
 *   (https://docs.gusto.com/embedded-payroll/docs/company-access-tokens).
 *   The answer has `access_token`, `token_type` `bearer`, `expires_in`
 *   (7200: access tokens last 2 hours), `refresh_token`, `scope` and
 *   `created_at`
 *   (https://docs.gusto.com/app-integrations/reference/refresh-access-token);
 * - a refresh answers a new access token and a new refresh token; "the
 *   previous refresh_token will be revoked on the first usage of the new
 *   access_token" (same page): the new one is kept, and Gusto asks that
 *   refreshes not race, which the single-flight refresh sees to;
 * - the person is `GET /v1/token_info`, `{ scope, resource: { type, uuid },
 *   resource_owner: { type, uuid } }`
 *   (https://docs.gusto.com/app-integrations/reference/get-v1-token-info):
 *   `resource` is what the token reaches (a company, employee, contractor
 *   or application; the company, for a grant made by an admin),
 *   `resource_owner` who granted it. A token pair is "specific to
 *   a user and company" (the authentication page), so the subject is the
 *   resource owner's uuid, and the company's uuid is kept beside it; Gusto
 *   names no e-mail or name there;
 * - the API is the same host (`/v1/…`), with the token as
 *   `Authorization: Bearer`; `X-Gusto-API-Version` picks the API version
 *   (the app's minimum version without it, the get-v1-token-info page
 *   above), and the proxies pass a caller's on.
 * Not checked against Gusto's pages: that no scope parameter is taken (the
 * documented authorize request has none), a revocation endpoint (none is
 * documented for App Integrations, so disconnect deletes here; the admin
 * disconnects the app in Gusto), how long an unused refresh token lives (no
 * end is documented, so none is assumed and no keep-alive is set), whether
 * PKCE is taken (none is sent), whether a form body is taken as well as JSON
 * (JSON is what is documented, so JSON is sent), and the token endpoint's
 * refusals, assumed RFC 6749's `{ error, error_description }`
 * (`invalid_grant`, `invalid_client`).
 */
import { jsonTokenRequest, objectOf, withoutTrailingSlash, type ProviderPreset } from './preset.js';

const PRODUCTION = 'https://api.gusto.com';

/** openid-client's form as the JSON body Gusto's examples send to /oauth/token, the client's id and secret in it. */
const tokenRequest = jsonTokenRequest();

/**
 * The resource owner of /v1/token_info as the profile (`id`), with its type
 * and the resource the token reaches (the company) kept beside it; an answer
 * without the owner's uuid names no one, and the sign-in fails.
 */
function profileClaims(body: unknown): Record<string, unknown> | undefined {
  const info = objectOf(body);
  const owner = objectOf(info?.resource_owner);
  if (typeof owner?.uuid !== 'string' || owner.uuid === '') return undefined;
  const resource = objectOf(info?.resource);
  return {
    id: owner.uuid,
    resource_owner_type: owner.type,
    ...(resource ? { resource: { type: resource.type, uuid: resource.uuid } } : {}),
    ...(resource?.type === 'Company' && typeof resource.uuid === 'string' ? { company_uuid: resource.uuid } : {}),
    ...(typeof info?.scope === 'string' ? { scope: info.scope } : {}),
  };
}

export const gusto: ProviderPreset = {
  displayName: 'Gusto',
  values: { baseUrl: 'optional' },
  settings: ({ baseUrl }) => {
    const origin = baseUrl ? withoutTrailingSlash(baseUrl) : PRODUCTION;
    return {
      endpoints: {
        authorizationEndpoint: `${origin}/oauth/authorize`,
        tokenEndpoint: `${origin}/oauth/token`,
        userinfoEndpoint: `${origin}/v1/token_info`,
      },
      scope: '',
      pkce: false,
      apiBaseUrl: origin,
      proxyHeaders: { request: ['x-gusto-api-version'], response: [] },
      tokenEndpointAuthMethod: 'client_secret_post',
      subjectClaim: 'id',
      hooks: { tokenRequest, profileClaims },
    };
  },
};
