/**
 * An emulator of Ecwid's OAuth 2.0 (my.ecwid.com's `/api/oauth/authorize` and `/api/oauth/token`) and of the part of
 * its REST API v3 (app.ecwid.com's `/api/v3/{storeId}/…`) a connection touches, written from Ecwid's pages
 * (https://api-docs.ecwid.com/reference/get-token-manually, https://github.com/Ecwid/ecwid-api-docs
 * includes/_authentication.md, https://docs.ecwid.com/develop-apps/app-settings,
 * https://docs.ecwid.com/api-reference/rest-api/store-profile/get-store-profile,
 * https://docs.ecwid.com/api-reference/rest-api/rest-api-error-codes):
 * - Authorize: `client_id`, `redirect_uri`, `response_type=code` and space-separated `scope`; a denial comes back as
 *   `error=access_denied`; `read_store_profile` is granted whether asked or not.
 * - Token: a form with `client_id`, `client_secret`, `code`, `redirect_uri` and `grant_type=authorization_code`;
 *   the answer `access_token` (`secret_…`), `token_type: "bearer"`, `scope` and the numeric `store_id`; no expiry,
 *   no refresh token. A code exchanged again disables the token it gave.
 * - API: the token as `Authorization: Bearer` only; `GET /api/v3/{storeId}/profile` (scope `read_store_profile`)
 *   answers `generalInfo`, `account`, `settings`, `company`; `GET /api/v3/{storeId}/products` needs `read_catalog`.
 *   An invalid token is a 403 `INVALID_API_TOKEN`, a token without the scope a 403 `INSUFFICIENT_APP_SCOPE`.
 * Made up here (Ecwid's pages do not say): the error body's members (`errorMessage`, `errorCode`); a token used for
 * another store's path answered as an invalid token; the token endpoint's refusals as RFC 6749 §5.2's bare JSON.
 * uninstall() is the store uninstalling the app. The authorization page approves at once for signInAs()'s store.
 */
import { authorizationEndpoint } from './kit/authorization-endpoint.js';
import { isGrant } from './kit/bearer-grant.js';
import { formCredentials } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { json, startEmulatorServer, type EmulatorReply, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore, type Grant } from './kit/grants.js';
import { oauthError, tokenEndpoint } from './kit/token-endpoint.js';

export interface EcwidStore {
  /** The store's id, a number. */
  id: number;
  name: string;
  ownerEmail: string;
}

export interface EcwidEmulator extends EmulatorHandle<EcwidStore> {
  /** The store uninstalls the app: its token stops working. */
  uninstall(store: EcwidStore): void;
  /** The next code exchange answers the token without `store_id`. */
  answerNextWithoutStoreId(): void;
  /** Each token request's form, in order. */
  readonly tokenForms: ReadonlyArray<URLSearchParams>;
}

const REQUIRED = ['client_id', 'client_secret', 'code', 'redirect_uri', 'grant_type'];

const ecwidError = (status: number, code: string, message: string) => json(status, { errorMessage: message, errorCode: code });
const invalidToken = () => ecwidError(403, 'INVALID_API_TOKEN', 'Invalid access token in the request');

export async function startEcwidEmulator(options: Omit<EmulatorOptions, 'now'>): Promise<EcwidEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<EcwidStore>({ accessTokenTtl: null, refreshPolicy: 'none', prefixes: { access: 'secret_' } });
  const controls = emulatorControls<EcwidStore>(server, grants);
  const tokenForms: URLSearchParams[] = [];
  let withoutStoreId = false;

  authorizationEndpoint(server, '/api/oauth/authorize', {
    client: options,
    grants,
    approver: controls.approver,
    pkce: false,
    request: (query) => {
      const asked = (query.get('scope') ?? '').split(' ').filter(Boolean);
      return { scope: [...new Set(['read_store_profile', ...asked])].join(' ') };
    },
  });

  tokenEndpoint(server, '/api/oauth/token', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure },
    authenticates: (request) => {
      tokenForms.push(request.form());
      return formCredentials(request, options);
    },
    pkce: false,
    refuseCode: (form) => (REQUIRED.every((name) => form.get(name)) ? undefined : oauthError(400, 'invalid_request')),
    answer: ({ grant, tokens }) => {
      const store = withoutStoreId ? {} : { store_id: grant.user.id };
      withoutStoreId = false;
      return json(200, { access_token: tokens.accessToken, token_type: 'bearer', scope: grant.scope, ...store });
    },
  });

  /** The grant of a Bearer token (never a query `token`) for the store in the path, with the scope asked. */
  const storeGrant = (request: EmulatorRequest, scope: string): Grant<EcwidStore> | EmulatorReply => {
    const grant = grants.grantOfAccessToken(request.bearer() ?? '');
    if (!grant || String(grant.user.id) !== request.params.storeId) return invalidToken();
    return grant.scope.split(' ').includes(scope) ? grant : ecwidError(403, 'INSUFFICIENT_APP_SCOPE', "Application doesn't have a required scope for the request");
  };

  server.route('GET', '/api/v3/:storeId/profile', (request) => {
    server.count('profile');
    const grant = storeGrant(request, 'read_store_profile');
    if (!isGrant(grant)) return grant;
    const store = grant.user;
    return json(200, {
      generalInfo: { storeId: store.id, storeUrl: `https://store${store.id}.company.site/products`, websitePlatform: 'instantsite', starterSite: { ecwidSubdomain: `store${store.id}`, generatedUrl: `https://store${store.id}.company.site` } },
      account: { accountName: store.name, accountEmail: store.ownerEmail, suspended: false, availableFeatures: ['API', 'PREMIUM'] },
      settings: { closed: false, storeName: store.name },
      company: { companyName: store.name, email: store.ownerEmail, city: 'New York', countryCode: 'US' },
    });
  });

  server.route('GET', '/api/v3/:storeId/products', (request) => {
    server.count('products');
    const grant = storeGrant(request, 'read_catalog');
    if (!isGrant(grant)) return grant;
    return json(200, { total: 1, count: 1, offset: 0, limit: 100, items: [{ id: 560890, sku: '00004', name: 'Cherry Cake', price: 19.99, enabled: true }] });
  });

  return {
    ...controls.handle,
    answerNextWithoutStoreId: () => {
      withoutStoreId = true;
    },
    uninstall: (store) => grants.revokeGrantsOf((someone) => someone.id === store.id),
    tokenForms,
  };
}
