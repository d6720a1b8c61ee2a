/**
 * An emulator of a Jira Data Center site as an OAuth 2.0 provider (an
 * incoming application link), and of the part of its REST API a connection
 * touches, written from Atlassian's pages: the Jira OAuth 2.0 provider API
 * (https://confluence.atlassian.com/adminjiraserver101/jira-oauth-2-0-provider-api-1455427907.html),
 * its scopes (https://confluence.atlassian.com/adminjiraserver101/oauth-2-0-scopes-for-incoming-links-1455427906.html)
 * and the provider's system properties
 * (https://confluence.atlassian.com/bitbucketserver/oauth-2-0-provider-system-properties-1108483660.html):
 * - The provider's authorization and token endpoints, shared by the Data Center
 *   products (kit/atlassian-data-center.ts).
 * - `GET /rest/api/2/myself` answers the user (`key`, `name`,
 *   `emailAddress`, `displayName`, `active`…), `GET /rest/api/2/project`
 *   the projects; a token it does not take is a 401.
 * - revokeApp() is the person revoking the grant under Authorized
 *   applications: its tokens stop working. There is no revocation endpoint.
 */
import { startAtlassianDataCenterSite } from './kit/atlassian-data-center.js';
import { bearerGrant, isGrant } from './kit/bearer-grant.js';
import type { EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { json } from './kit/emulator-server.js';

export interface JiraUser {
  /** The user key (`JIRAUSER10100`), which a rename of the username leaves as it is. */
  key: string;
  /** The username. */
  name: string;
  displayName: string;
  emailAddress: string;
}

export interface JiraEmulator extends EmulatorHandle<JiraUser> {
  /** The person revokes the grant under their profile's Authorized applications: its tokens stop working. */
  revokeApp(user: JiraUser): void;
  /** The `redirect_uri` each refresh sent (null: none), in order. */
  readonly refreshRedirectUris: ReadonlyArray<string | null>;
}


export async function startJiraEmulator(options: EmulatorOptions): Promise<JiraEmulator> {
  const { server, grants, controls, refreshRedirectUris } = await startAtlassianDataCenterSite<JiraUser>(options);

  const unauthorized = () => json(401, { errorMessages: ['You are not authenticated. Authentication required to perform this operation.'], errors: {} });

  server.route('GET', '/rest/api/2/myself', (request) => {
    server.count('myself');
    const grant = bearerGrant(grants, request, unauthorized);
    if (!isGrant(grant)) return grant;
    const { user } = grant;
    return json(200, {
      self: `${server.origin}/rest/api/2/user?username=${user.name}`,
      key: user.key,
      name: user.name,
      emailAddress: user.emailAddress,
      avatarUrls: {},
      displayName: user.displayName,
      active: true,
      deleted: false,
      timeZone: 'Europe/London',
      locale: 'en_UK',
      groups: { size: 1, items: [] },
      applicationRoles: { size: 1, items: [] },
      expand: 'groups,applicationRoles',
    });
  });

  server.route('GET', '/rest/api/2/project', (request) => {
    server.count('projects');
    const grant = bearerGrant(grants, request, unauthorized);
    if (!isGrant(grant)) return grant;
    return json(200, [{ self: `${server.origin}/rest/api/2/project/10000`, id: '10000', key: 'ENG', name: 'Engineering', projectTypeKey: 'software' }]);
  });

  return {
    ...controls.handle,
    revokeApp: (user) => grants.revokeGrantsOf((someone) => someone.key === user.key),
    refreshRedirectUris,
  };
}
