/**
 * An emulator of a Confluence Data Center site as an OAuth 2.0 provider (an
 * incoming application link), and of the part of its REST API a connection
 * touches, written from Atlassian's pages: the Confluence OAuth 2.0 provider
 * API (https://developer.atlassian.com/server/confluence/confluence-oauth2-provider-api/),
 * its scopes (https://confluence.atlassian.com/display/CONF81/OAuth+2.0+scopes+for+incoming+links),
 * the provider's system properties
 * (https://confluence.atlassian.com/bitbucketserver/oauth-2-0-provider-system-properties-1108483660.html)
 * and the REST API's user resource (https://developer.atlassian.com/server/confluence/rest/v1000/api-group-user):
 * - The provider's authorization and token endpoints, shared by the Data Center
 *   products (kit/atlassian-data-center.ts).
 * - `GET /rest/api/user/current` answers the user (`type`, `username`,
 *   `userKey`, `displayName`, `profilePicture`…), or the anonymous user
 *   (no `userKey`) to a person the test makes anonymous;
 *   `GET /rest/api/space` the spaces; a token it does not take is a 401.
 * - revokeApp() is the person revoking the grant under Authorized
 *   applications: its tokens stop working. There is no revocation endpoint.
 */
import { startAtlassianDataCenterSite } from './kit/atlassian-data-center.js';
import { bearerGrant, isGrant } from './kit/bearer-grant.js';
import type { EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { json } from './kit/emulator-server.js';

export interface ConfluenceUser {
  /** The user key (32 hexadecimal digits), which a rename of the username leaves as it is. */
  userKey: string;
  /** The username. */
  username: string;
  displayName: string;
  /** Answered as the anonymous user (no key, no username) by /rest/api/user/current. */
  anonymous?: boolean;
}

export interface ConfluenceEmulator extends EmulatorHandle<ConfluenceUser> {
  /** The person revokes the grant under their profile's Authorized applications: its tokens stop working. */
  revokeApp(user: ConfluenceUser): void;
  /** The `redirect_uri` each refresh sent (null: none), in order. */
  readonly refreshRedirectUris: ReadonlyArray<string | null>;
}


export async function startConfluenceEmulator(options: EmulatorOptions): Promise<ConfluenceEmulator> {
  const { server, grants, controls, refreshRedirectUris } = await startAtlassianDataCenterSite<ConfluenceUser>(options);

  const unauthorized = () => json(401, { statusCode: 401, message: 'This request requires authentication.' });
  const picture = { path: '/confluence/images/icons/profilepics/default.svg', width: 48, height: 48, isDefault: true };

  server.route('GET', '/rest/api/user/current', (request) => {
    server.count('current user');
    const grant = bearerGrant(grants, request, unauthorized);
    if (!isGrant(grant)) return grant;
    const { user } = grant;
    if (user.anonymous) return json(200, { type: 'anonymous', profilePicture: picture, displayName: 'Anonymous', _links: { base: server.origin, context: '' } });
    return json(200, {
      type: 'known',
      username: user.username,
      userKey: user.userKey,
      profilePicture: picture,
      displayName: user.displayName,
      _links: { self: `${server.origin}/rest/api/user?key=${user.userKey}`, base: server.origin, context: '' },
      _expandable: { status: '' },
    });
  });

  server.route('GET', '/rest/api/space', (request) => {
    server.count('spaces');
    const grant = bearerGrant(grants, request, unauthorized);
    if (!isGrant(grant)) return grant;
    return json(200, { results: [{ id: 98305, key: 'ENG', name: 'Engineering', type: 'global' }], start: 0, limit: 25, size: 1, _links: { base: server.origin, context: '' } });
  });

  return {
    ...controls.handle,
    revokeApp: (user) => grants.revokeGrantsOf((someone) => someone.userKey === user.userKey),
    refreshRedirectUris,
  };
}
