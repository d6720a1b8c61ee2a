/**
 * Samsung SmartThings (an API Access app, "OAuth-In App", made with the
 * SmartThings CLI). Plain OAuth 2.0 without discovery or an ID token. From
 * SmartThings' docs:
 * - `GET https://api.smartthings.com/v1/oauth/authorize` with `client_id`,
 *   a space-separated `scope` among the scopes the app was registered with
 *   (e.g. `r:locations:*`, `r:devices:*`, `x:devices:*`), `response_type=code`,
 *   `redirect_uri` (one registered with the app) and `state`; the callback
 *   gets `code` and `state` (https://developer.smartthings.com/docs/service-integrations/oauth).
 *   No PKCE is documented, and none is sent;
 * - `POST https://api.smartthings.com/v1/oauth/token` takes the client as HTTP
 *   Basic (base64 of `clientId:clientSecret`) and, in the form, `client_id`
 *   beside the grant's own parameters: the tokenRequest hook adds `client_id`,
 *   which openid-client leaves out of the form with Basic credentials. The
 *   answer is `access_token`, `token_type: "bearer"`, `refresh_token`,
 *   `expires_in` (86399 or so: a day), `scope`, `access_tier`,
 *   `installed_app_id` and the accounts `developer_account_id`,
 *   `iot_account_id` and `owner_account_id`. A refresh answers the same shape,
 *   a new access token and a new refresh token, and the refresh token used is
 *   no longer valid (https://developer.smartthings.com/docs/service-integrations/token-management);
 *   a refresh token lasts 30 days (https://smartthings.developer.samsung.com/docs/how-to/refresh-token.html),
 *   so the keep-alive sweep refreshes a connection left unused before then
 *   (refreshTokenIdleSeconds);
 * - the account has no profile call: the token answer says which SmartThings
 *   account the token acts for, `owner_account_id`, the subject (the
 *   tokenResponseProfile hook); `installed_app_id`, the installation of the
 *   app the person's grant made, is kept with it. There is no name and no
 *   e-mail;
 * - the API is `https://api.smartthings.com/v1` (`/locations`, `/devices`…)
 *   with the token as Bearer, answering 401 once the token has ended
 *   (https://developer.smartthings.com/docs/service-integrations/token-management).
 * Not checked against SmartThings' pages: the token endpoint's refusals
 * (RFC 6749's `{ error, error_description }` assumed; the older SmartApp
 * page says an expired refresh token is answered 401, and a refusal is read
 * by its `error`, whatever the status), whether `client_id` in the form is
 * required (the docs list it, so it is sent), whether the code exchange
 * needs `redirect_uri` (sent, as RFC 6749 §4.1.3 has it), and what the three
 * account ids name beyond the docs' one example, where all three are the
 * same: `owner_account_id` is taken as the account of the person who
 * authorized. SmartThings documents no revocation: a disconnect deletes the
 * tokens here only.
 */
import { objectOf, type PresetClient, type ProviderPreset } from './preset.js';

/** openid-client's form with `client_id` added where it is missing, as SmartThings lists it beside the Basic credentials. */
function tokenRequestFor(client: PresetClient | undefined) {
  return (request: { body: URLSearchParams; headers: Record<string, string> }): { body: string; headers: Record<string, string> } => {
    const form = new URLSearchParams(request.body);
    if (client && !form.has('client_id')) form.set('client_id', client.clientId);
    return { body: form.toString(), headers: request.headers };
  };
}

/**
 * The account of the token answer: `owner_account_id` (the subject), with
 * `installed_app_id` kept beside it; an answer without an owner account names
 * no one, and the sign-in fails. Never a token.
 */
function tokenResponseProfile(answer: Record<string, unknown>): Record<string, unknown> | undefined {
  const owner = answer.owner_account_id;
  if (typeof owner !== 'string' || owner === '') return undefined;
  const installedApp = answer.installed_app_id;
  return { owner_account_id: owner, ...(typeof installedApp === 'string' && installedApp !== '' ? { installed_app_id: installedApp } : {}) };
}

export const smartthings: ProviderPreset = {
  displayName: 'SmartThings',
  settings: (_values, client) => ({
    endpoints: {
      authorizationEndpoint: 'https://api.smartthings.com/v1/oauth/authorize',
      tokenEndpoint: 'https://api.smartthings.com/v1/oauth/token',
    },
    scope: 'r:locations:* r:devices:*',
    apiBaseUrl: 'https://api.smartthings.com/v1',
    tokenEndpointAuthMethod: 'client_secret_basic',
    basicCredentials: 'plain',
    pkce: false,
    subjectClaim: 'owner_account_id',
    refreshTokenIdleSeconds: 30 * 86_400,
    hooks: { tokenRequest: tokenRequestFor(client), tokenResponseProfile },
  }),
};
