/**
 * An emulator of one pCloud API server (a data region) and of the
 * authorization page, written from pCloud's API docs
 * (https://docs.pcloud.com/methods/oauth_2.0/authorize.html,
 * https://docs.pcloud.com/methods/oauth_2.0/oauth2_token.html,
 * https://docs.pcloud.com/methods/general/userinfo.html). The server is
 * named `<label>.localhost:<port>` (`api`, `eapi`), as pCloud's are
 * `api.pcloud.com` and `eapi.pcloud.com` (the test resolves `.localhost`
 * names to this loopback server); its authorization page is at `origin`.
 * - Authorize: `GET /oauth2/authorize` with `client_id`, `response_type=code`,
 *   `redirect_uri` and `state` (an unknown client or another redirect URI is
 *   told on pCloud's page); no scope, no PKCE. The person goes back with
 *   `code`, `state`, `locationid` and `hostname`, this server's host; one who
 *   declines with `error=access_denied` (RFC 6749's: pCloud shows none). A
 *   person of a region emulated beside this one (`otherRegions`) is sent on
 *   to that server's page, which issues the code (not shown by pCloud).
 * - `oauth2_token`, GET or POST, its parameters in the query or the form:
 *   `client_id`, `client_secret` and `code` are required; the answer is
 *   `{ result: 0, access_token, token_type: "bearer", uid }`, a token with
 *   no end and no refresh token. Refusals are HTTP 200 with a non-zero
 *   `result` and its `error`: 1022 "Please provide 'code'.", 2012 "Invalid
 *   'code' provided.", 2074 "Expired 'code' provided." (the codes and texts
 *   pCloud's other methods document for a code); a missing or wrong client
 *   `1xxx`/`2xxx` naming `client_id` or `client_secret` (assumed: not shown).
 * - `GET /userinfo` and `GET /listfolder`, the token as `access_token` in the
 *   query: `{ result: 0, userid, email, emailverified, … }` and a folder's
 *   `metadata`; without a token `result` 1000 "Log in required.", a token it
 *   does not take 2000 "Log in failed.", both with HTTP 200.
 * No revocation: removeApp() is the person removing the app's access.
 * The authorization page approves at once for signInAs()'s person.
 */
import { redirectBack } from './kit/authorization.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { html, json, redirect, startEmulatorServer, type EmulatorReply, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore } from './kit/grants.js';
import { queuedFailure } from './kit/queued-failure.js';

export interface PCloudUser {
  /** The pCloud account's number. */
  id: number;
  email: string;
  emailVerified: boolean;
  /** The API server's host of the person's region, when not this one's (another emulator's `hostname`). */
  hostname?: string;
}

export interface PCloudEmulatorOptions extends Omit<EmulatorOptions, 'now'> {
  /** This server's first label (default `api`): it is `<label>.localhost:<port>`. */
  label?: string;
  /** pCloud's number of the region (1 the United States, 2 Europe). */
  locationId?: number;
  /** Regions emulated beside this one, the same client at each: their people are sent on to them, and they close with this one. */
  otherRegions?: readonly PCloudEmulator[];
}

export interface PCloudEmulator extends EmulatorHandle<PCloudUser> {
  /** This server's host, `<label>.localhost:<port>`, sent back as `hostname`. */
  readonly hostname: string;
  /** `http://<hostname>`, where its methods are. */
  readonly apiOrigin: string;
  readonly otherRegions: readonly PCloudEmulator[];
  /** The person removes the app's access in pCloud: its token stops working. */
  removeApp(user: PCloudUser): void;
  /** The next userinfo call fails with this HTTP status. */
  failNextProfile(status: number): void;
}

const failed = (result: number, error: string): EmulatorReply => json(200, { result, error });

export async function startPCloudEmulator(options: PCloudEmulatorOptions): Promise<PCloudEmulator> {
  const server = await startEmulatorServer();
  const hostname = `${options.label ?? 'api'}.localhost:${new URL(server.origin).port}`;
  const grants = new GrantStore<PCloudUser>({ accessTokenTtl: null, refreshPolicy: 'none' });
  const controls = emulatorControls<PCloudUser>(server, grants);
  const profileFailure = queuedFailure();

  server.route('GET', '/oauth2/authorize', (request) => {
    server.count('authorize');
    const query = request.url.searchParams;
    if (query.get('client_id') !== options.clientId || query.get('redirect_uri') !== options.redirectUri) return html(400, '<h1>Invalid client_id or redirect_uri</h1>');
    const reply = redirectBack(options.redirectUri, query);
    if (query.get('response_type') !== 'code') return reply({ error: 'unsupported_response_type' });
    const user = controls.approver();
    if (!user) return reply({ error: 'access_denied' });
    const home = options.otherRegions?.find((other) => other.hostname === user.hostname);
    if (home) {
      home.signInAs(user);
      return redirect(new URL(`/oauth2/authorize?${query}`, home.origin));
    }
    const code = grants.issueCode({ clientId: options.clientId, redirectUri: undefined, scope: '', codeChallenge: undefined, codeChallengeMethod: undefined, user });
    return reply({ code, locationid: String(options.locationId ?? 1), hostname });
  });

  /** The method's parameters: the query's, then the form's (pCloud takes either). */
  const parametersOf = (request: EmulatorRequest) => {
    const parameters = new URLSearchParams(request.url.searchParams);
    if (request.method === 'POST') for (const [name, value] of request.form()) parameters.set(name, value);
    return parameters;
  };

  const oauth2Token = (request: EmulatorRequest): EmulatorReply => {
    server.count('token_request');
    const status = controls.tokenFailure();
    if (status !== undefined && status !== null) return html(status, '<h1>Service Unavailable</h1>');
    const parameters = parametersOf(request);
    if (!parameters.get('client_id')) return failed(1001, "Please provide 'client_id'.");
    if (!parameters.get('client_secret')) return failed(1002, "Please provide 'client_secret'.");
    if (!parameters.get('code')) return failed(1022, "Please provide 'code'.");
    if (parameters.get('client_id') !== options.clientId) return failed(2001, "Invalid 'client_id' provided.");
    if (parameters.get('client_secret') !== options.clientSecret) return failed(2002, "Invalid 'client_secret' provided.");
    server.count('authorization_code');
    const redeemed = grants.redeemCode(parameters.get('code')!, { clientId: options.clientId, redirectUri: null, codeVerifier: null });
    if (!redeemed.ok) return redeemed.reason === 'expired_code' ? failed(2074, "Expired 'code' provided.") : failed(2012, "Invalid 'code' provided.");
    return json(200, { result: 0, access_token: redeemed.tokens.accessToken, token_type: 'bearer', uid: redeemed.grant.user.id });
  };
  server.route('GET', '/oauth2_token', oauth2Token);
  server.route('POST', '/oauth2_token', oauth2Token);

  /** The person of the call's `access_token`, else the refusal pCloud answers with HTTP 200. */
  const caller = (request: EmulatorRequest): PCloudUser | EmulatorReply => {
    const token = request.url.searchParams.get('access_token');
    if (!token) return failed(1000, 'Log in required.');
    return grants.grantOfAccessToken(token)?.user ?? failed(2000, 'Log in failed.');
  };
  const isUser = (value: PCloudUser | EmulatorReply): value is PCloudUser => typeof (value as PCloudUser).id === 'number';

  server.route('GET', '/userinfo', (request) => {
    server.count('userinfo');
    const status = profileFailure.take();
    if (status !== undefined) return html(status, '<h1>Internal Server Error</h1>');
    const user = caller(request);
    if (!isUser(user)) return user;
    return json(200, {
      result: 0,
      userid: user.id,
      email: user.email,
      emailverified: user.emailVerified,
      registered: 'Mon, 18 Nov 2013 15:32:05 +0000',
      language: 'en',
      premium: false,
      usedquota: 500,
      quota: 10737418240,
    });
  });

  server.route('GET', '/listfolder', (request) => {
    server.count('listfolder');
    const user = caller(request);
    if (!isUser(user)) return user;
    const folderId = Number(request.url.searchParams.get('folderid') ?? '0');
    return json(200, { result: 0, metadata: { folderid: folderId, name: '/', isfolder: true, path: '/', contents: [{ name: `${user.email}.txt`, isfolder: false, fileid: user.id * 10 }] } });
  });

  return {
    ...controls.handle,
    close: async () => {
      await controls.handle.close();
      for (const other of options.otherRegions ?? []) await other.close();
    },
    hostname,
    apiOrigin: `http://${hostname}`,
    otherRegions: options.otherRegions ?? [],
    removeApp: (user) => grants.revokeGrantsOf((someone) => someone.id === user.id),
    failNextProfile: profileFailure.queue,
  };
}
