/**
 * An emulator of DigiLocker's Authorized Partner OAuth (`/public/oauth2/1/…` on the emulator's origin, as on
 * `betaapi.digitallocker.gov.in`), with one partner application, written from DigiLocker's Authorized Partner API
 * Specification (https://apisetu.gov.in/api_specification_v8/authpartner.yaml):
 * - `GET /public/oauth2/1/authorize`: `client_id`, `response_type`, `redirect_uri`, `state`, and optionally PKCE's
 *   `code_challenge` with `code_challenge_method`, S256 the only method taken.
 * - `POST /public/oauth2/1/token`: the code (with `code_verifier` when a challenge was sent) or a refresh token, the
 *   client as form parameters or HTTP Basic; the answer has `access_token`, `expires_in` (3600), `token_type`
 *   (Bearer), `scope`, `refresh_token` and the person's `digilockerid`, `name`, `dob`, `gender`, `eaadhaar` and
 *   `reference_key`.
 * - `GET /public/oauth2/1/user`: the person under `details`, as the specification's schema draws it; a token it
 *   does not take is a 401 `invalid_token`, "The access token is invalid". `GET /public/oauth2/2/files/issued`
 *   lists the issued documents' metadata.
 * - `POST /public/oauth2/1/revoke`: JSON with `token` and `token_type_hint`; the grant of the token ends; an unknown
 *   token is a 400.
 * Made up here (the specification does not say): the error page for an unknown client or redirect URI;
 * `access_denied` for a declined authorization; refusals of the token endpoint as RFC 6749 §5.2's codes; a refresh
 * answering a new refresh token while the spent one still works; HTTP Basic (the partner's key and secret) as the
 * client's authentication at `/revoke`. withdraw() is the person removing the partner's access in their DigiLocker.
 */
import { authorizationEndpoint } from './kit/authorization-endpoint.js';
import { authenticatesAs } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { json, startEmulatorServer } from './kit/emulator-server.js';
import { GrantStore, type Grant } from './kit/grants.js';
import { queuedFailure } from './kit/queued-failure.js';
import { tokenEndpoint } from './kit/token-endpoint.js';

export interface DigiLockerUser {
  /** The DigiLocker Id, 36 characters. */
  digilockerid: string;
  name: string;
  /** DDMMYYYY. */
  dob: string;
  gender: 'M' | 'F' | 'T';
}

export interface DigiLockerEmulator extends EmulatorHandle<DigiLockerUser> {
  /** The person removes the partner's access: every token of theirs stops working. */
  withdraw(user: DigiLockerUser): void;
  /** The next user API request fails with this HTTP status. */
  failNextProfile(status: number): void;
  /** Each revocation request: its Basic user and its JSON body. */
  readonly revocations: ReadonlyArray<{ basicUser: string | undefined; body: unknown }>;
  /** The form of each token request, in order. */
  readonly tokenForms: ReadonlyArray<URLSearchParams>;
}

export const DIGILOCKER_ACCESS_TOKEN_SECONDS = 3600;
const OAUTH = '/public/oauth2';

export async function startDigiLockerEmulator(options: EmulatorOptions): Promise<DigiLockerEmulator> {
  const server = await startEmulatorServer();
  const now = options.now ?? (() => Math.floor(Date.now() / 1000));
  const grants = new GrantStore<DigiLockerUser>({ now, accessTokenTtl: DIGILOCKER_ACCESS_TOKEN_SECONDS, refreshPolicy: 'reissued' });
  const controls = emulatorControls<DigiLockerUser>(server, grants);
  const profileFailure = queuedFailure();
  const revocations: Array<{ basicUser: string | undefined; body: unknown }> = [];
  const tokenForms: URLSearchParams[] = [];
  const invalidToken = () => json(401, { error: 'invalid_token', error_description: 'The access token is invalid' });

  authorizationEndpoint(server, `${OAUTH}/1/authorize`, {
    client: options,
    grants,
    approver: controls.approver,
    refuse: (query) => {
      const method = query.get('code_challenge_method');
      if (query.get('code_challenge') && method !== 'S256') return { error: 'invalid_request', error_description: 'The code_challenge_method parameter is invalid' };
      return undefined;
    },
  });

  const details = (user: DigiLockerUser) => ({ digilockerid: user.digilockerid, name: user.name, dob: user.dob, gender: user.gender, eaadhaar: 'Y' });

  tokenEndpoint(server, `${OAUTH}/1/token`, {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure },
    authenticates: (request) => {
      tokenForms.push(request.form());
      return authenticatesAs(request, options);
    },
    answer: ({ grant, tokens }: { grant: Grant<DigiLockerUser>; tokens: { accessToken: string; expiresIn: number | undefined; refreshToken: string | undefined } }) =>
      json(200, {
        access_token: tokens.accessToken,
        expires_in: tokens.expiresIn,
        token_type: 'Bearer',
        scope: '',
        refresh_token: tokens.refreshToken,
        ...details(grant.user),
        reference_key: grant.user.digilockerid.replace(/-/g, '').slice(0, 32),
      }),
  });

  server.route('GET', `${OAUTH}/1/user`, (request) => {
    server.count('user');
    const status = profileFailure.take();
    if (status !== undefined) return json(status, { error: 'unexpected_error', error_description: 'Internal server error' });
    const grant = grants.grantOfAccessToken(request.bearer() ?? '');
    if (!grant) return invalidToken();
    return json(200, { details: details(grant.user) });
  });

  server.route('GET', `${OAUTH}/2/files/issued`, (request) => {
    server.count('files');
    if (!grants.grantOfAccessToken(request.bearer() ?? '')) return invalidToken();
    return json(200, {
      items: [{ name: 'Class X Marksheet', type: 'file', size: '', date: '05-05-2010', parent: '', mime: ['application/pdf'], uri: 'in.gov.cbse-SSCER-201012345678', doctype: 'SSCER', description: 'Class X Marksheet', issuerid: 'in.gov.cbse', issuer: 'CBSE' }],
      resource: 'issued',
    });
  });

  server.route('POST', `${OAUTH}/1/revoke`, (request) => {
    server.count('revoke');
    const basic = request.basicAuth();
    const body = request.json();
    revocations.push({ basicUser: basic?.username, body });
    if (basic?.username !== options.clientId || basic.password !== options.clientSecret) return json(401, { error: 'invalid_client_id', error_description: 'The client_id parameter is invalid' });
    const token = (body as { token?: unknown } | undefined)?.token;
    if (typeof token !== 'string' || !grants.grantOfToken(token)) return json(400, { error: 'invalid_token', error_description: 'The token is invalid' });
    // The token and the others of its grant end.
    grants.revokeToken(token);
    return json(200, {});
  });

  return {
    ...controls.handle,
    withdraw: (user) => grants.revokeGrantsOf((someone) => someone.digilockerid === user.digilockerid),
    failNextProfile: profileFailure.queue,
    revocations,
    tokenForms,
  };
}
