/**
 * An emulator of Allegro's OAuth 2.0 (`https://allegro.pl/auth/oauth/…`) and
 * of the part of its REST API a connection touches (`https://api.allegro.pl`),
 * written from Allegro's pages:
 * - Authorize: `GET /auth/oauth/authorize` with `response_type=code`,
 *   `client_id` and `redirect_uri`, and PKCE's optional `code_challenge` and
 *   `code_challenge_method` (https://developer.allegro.pl/en/auth/), which the
 *   code keeps; a person who declines is sent back with RFC 6749's
 *   `error=access_denied` (not read on Allegro's pages).
 * - Token: `POST /auth/oauth/token`, the client as HTTP Basic alone (a
 *   request without it is `invalid_client`), the parameters read from the
 *   query (as Allegro's examples send them) and the form, the verifier
 *   checked against the code's challenge; answered with `access_token`,
 *   `token_type: "bearer"`, `refresh_token`, `expires_in` (12 hours, 43199 s),
 *   `scope`, `allegro_api: true` and `jti`. A refresh answers a new refresh
 *   token and the spent one is refused (the 'rotating' policy). These token
 *   details are those integrations of Allegro show, not read on its pages.
 * - `GET /me`, the user whose token is sent (https://developer.allegro.pl/en/account/):
 *   `id`, `login`, `firstName`, `lastName`, `email`, `baseMarketplace`,
 *   `company` and `features` (the MeResponse of
 *   https://developer.allegro.pl/swagger.yaml); `GET /sale/offers`, the
 *   seller's offers, for the proxy. Each call must name the API's version
 *   in `Accept: application/vnd.allegro.public.v1+json` (a 406 otherwise);
 *   a token the API does not take is a 401 with `invalid_token`.
 * There is no revocation endpoint: the person unlinking the application in
 * their Allegro account (`unlinkApplication`) ends its tokens. The
 * authorization page approves at once for signInAs()'s user.
 */
import { authorizationEndpoint } from './kit/authorization-endpoint.js';
import { bearerGrant, isGrant } from './kit/bearer-grant.js';
import { basicAsSent } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { json, startEmulatorServer, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore } from './kit/grants.js';
import { queuedFailure } from './kit/queued-failure.js';
import { tokenEndpoint, tokenMembers } from './kit/token-endpoint.js';

export interface AllegroUser {
  /** The user's id, digits as a string. */
  id: string;
  login: string;
  firstName: string;
  lastName: string;
  email: string;
}

export interface AllegroEmulator extends EmulatorHandle<AllegroUser> {
  /** The person unlinks the application in their Allegro account: every token of theirs stops working. */
  unlinkApplication(user: AllegroUser): void;
  /** The next /me request fails with this HTTP status. */
  failNextProfile(status: number): void;
  /** The parameters of each token request (query and form), in order, as Allegro read them. */
  readonly tokenParameters: ReadonlyArray<URLSearchParams>;
}

/** Allegro's access tokens last 12 hours (less a second, as its answers say). */
export const ALLEGRO_ACCESS_TOKEN_SECONDS = 43199;

/** Version 1 of the public API's media type. */
export const ALLEGRO_V1 = 'application/vnd.allegro.public.v1+json';

const invalidToken = () => json(401, { error: 'invalid_token', error_description: 'Invalid access token' });

/** The query's parameters, then the form's. */
function queryAndForm(request: EmulatorRequest): URLSearchParams {
  return new URLSearchParams([...request.url.searchParams, ...request.form()]);
}

export async function startAllegroEmulator(options: EmulatorOptions): Promise<AllegroEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<AllegroUser>({ ...(options.now ? { now: options.now } : {}), accessTokenTtl: ALLEGRO_ACCESS_TOKEN_SECONDS, refreshPolicy: 'rotating' });
  const controls = emulatorControls<AllegroUser>(server, grants);
  const tokenParameters: URLSearchParams[] = [];
  const profileFailure = queuedFailure();

  authorizationEndpoint(server, '/auth/oauth/authorize', {
    client: options,
    grants,
    approver: controls.approver,
  });

  tokenEndpoint(server, '/auth/oauth/token', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure },
    authenticates: (request) => {
      tokenParameters.push(queryAndForm(request));
      return basicAsSent(request, options);
    },
    parameters: queryAndForm,
    answer: ({ tokens }) => json(200, { ...tokenMembers(tokens, 'allegro:api:profile:read allegro:api:sale:offers:read', 'bearer'), allegro_api: true, jti: `jti-${tokens.accessToken.slice(-12)}` }),
  });

  /** The grant of a call that names version 1 of the API and carries a live token, else Allegro's refusal. */
  const apiGrant = (request: EmulatorRequest) => {
    if (request.headers.accept !== ALLEGRO_V1) return json(406, { errors: [{ code: 'NotAcceptableException', message: 'Not acceptable', details: null, path: null, userMessage: 'Not acceptable' }] });
    return bearerGrant(grants, request, invalidToken);
  };

  server.route('GET', '/me', (request) => {
    server.count('profile');
    const status = profileFailure.take();
    if (status !== undefined) return json(status, { errors: [{ code: 'InternalServerError', message: 'Internal Server Error' }] });
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    const { user } = grant;
    return json(200, {
      id: user.id,
      login: user.login,
      firstName: user.firstName,
      lastName: user.lastName,
      email: user.email,
      baseMarketplace: { id: 'allegro-pl' },
      company: { name: null, taxId: null },
      features: [],
    });
  });

  server.route('GET', '/sale/offers', (request) => {
    server.count('offers');
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    return json(200, {
      offers: [{ id: '9991234567', name: `Offer of ${grant.user.login}`, sellingMode: { format: 'BUY_NOW', price: { amount: '123.45', currency: 'PLN' } }, publication: { status: 'ACTIVE' } }],
      count: 1,
      totalCount: 1,
    });
  });

  return {
    ...controls.handle,
    unlinkApplication: (user) => grants.revokeGrantsOf((someone) => someone.id === user.id),
    failNextProfile: profileFailure.queue,
    tokenParameters,
  };
}
