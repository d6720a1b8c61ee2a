/**
 * An emulator of Meetup's OAuth 2.0 (secure.meetup.com) and of the part of its GraphQL API (api.meetup.com) a
 * connection touches, written from Meetup's API pages:
 * - Authorize: `GET /oauth2/authorize` with `client_id`, `response_type=code` and `redirect_uri` (the client's
 *   registered one); the member approves and goes back with `code` and the `state` sent
 *   (https://www.meetup.com/api/authentication/). No scopes and no PKCE. A member who declines goes back with RFC
 *   6749's `error=access_denied` (Meetup's page shows no wording).
 * - Token: `POST /oauth2/access` (the "Access Tokens" endpoint of the same page), a form with `client_id`,
 *   `client_secret`, `grant_type`, `redirect_uri` and `code`, answered with JSON `access_token`,
 *   `token_type: "bearer"`, `expires_in` (3600) and `refresh_token`, as Meetup's client libraries read it; a refresh
 *   (`grant_type=refresh_token`) answers the same members with a new refresh token, and the spent one is kept alive
 *   (the 'reissued' policy), as nothing says it ends. Refusals are RFC 6749 §5.2's, which the page does not show.
 * - GraphQL: `POST /gql-ext` with a JSON `{ query }` and the token as Bearer (https://www.meetup.com/api/guide/):
 *   `self { id name }` answers `{ data: { self } }`, the id a string as GraphQL's `ID` is; `groupByUrlname` answers
 *   the group the proxy test reads (its members here are the emulator's). A token the API does not take is a 401
 *   with a GraphQL `errors` body (the emulator's wording); a query it cannot read a 400 with its own error.
 * There is no revocation endpoint: the member removes the app in their Meetup settings (`removeApp`), which ends its
 * tokens. The authorization page approves at once for signInAs()'s member.
 */
import { authorizationEndpoint } from './kit/authorization-endpoint.js';
import { bearerGrant, isGrant } from './kit/bearer-grant.js';
import { formCredentials } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { json, startEmulatorServer } from './kit/emulator-server.js';
import { GrantStore } from './kit/grants.js';
import { queuedFailure } from './kit/queued-failure.js';
import { tokenEndpoint, tokenMembers } from './kit/token-endpoint.js';

export interface MeetupMember {
  /** The member id, a string of digits. */
  id: string;
  name: string;
}

export interface MeetupEmulator extends EmulatorHandle<MeetupMember> {
  /** The member removes the app in their Meetup settings: none of their tokens works. */
  removeApp(member: MeetupMember): void;
  /** The next `self` query fails with this HTTP status. */
  failNextProfile(status: number): void;
  /** The form of each token request, in order, as Meetup read it. */
  readonly tokenForms: ReadonlyArray<URLSearchParams>;
  /** The query of each GraphQL request, in order. */
  readonly queries: ReadonlyArray<string>;
}

const ACCESS_TOKEN_TTL = 3600;

const graphqlError = (status: number, message: string) => json(status, { errors: [{ message }], data: null });

export async function startMeetupEmulator(options: EmulatorOptions): Promise<MeetupEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<MeetupMember>({ ...(options.now ? { now: options.now } : {}), accessTokenTtl: ACCESS_TOKEN_TTL, refreshPolicy: 'reissued' });
  const controls = emulatorControls<MeetupMember>(server, grants);
  const tokenForms: URLSearchParams[] = [];
  const queries: string[] = [];
  const profileFailure = queuedFailure();

  authorizationEndpoint(server, '/oauth2/authorize', { client: options, grants, approver: controls.approver, pkce: false });

  tokenEndpoint(server, '/oauth2/access', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure },
    authenticates: (request) => {
      tokenForms.push(request.form());
      return formCredentials(request, options);
    },
    pkce: false,
    answer: ({ tokens }) => json(200, tokenMembers(tokens, undefined, 'bearer')),
  });

  server.route('POST', '/gql-ext', (request) => {
    server.count('graphql');
    const body = request.json() as { query?: unknown } | null;
    const query = typeof body?.query === 'string' ? body.query : '';
    queries.push(query);
    const status = /\bself\b/.test(query) ? profileFailure.take() : undefined;
    if (status !== undefined) return graphqlError(status, 'Internal server error');
    const grant = bearerGrant(grants, request, () => graphqlError(401, 'Unauthorized'));
    if (!isGrant(grant)) return grant;
    const { user } = grant;
    if (/\bself\b/.test(query)) {
      server.count('self');
      return json(200, { data: { self: { id: user.id, name: user.name } } });
    }
    if (/\bgroupByUrlname\b/.test(query)) {
      server.count('group');
      return json(200, { data: { groupByUrlname: { id: '18264872', name: 'Tokyo TypeScript', urlname: 'tokyo-typescript' } } });
    }
    return graphqlError(400, 'Invalid Syntax');
  });

  return {
    ...controls.handle,
    removeApp: (member) => grants.revokeGrantsOf((someone) => someone.id === member.id),
    failNextProfile: profileFailure.queue,
    tokenForms,
    queries,
  };
}
