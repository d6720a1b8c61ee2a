import { describe, expect, it } from 'vitest';
import { jira_data_center } from './jira_data_center.js';

const settings = jira_data_center.settings({ baseUrl: 'https://jira.example.com/jira/' });
const { profileClaims } = settings.hooks!;

describe('jira_data_center settings', () => {
  it("needs the site's base URL; /rest/oauth2/latest/authorize and /token and /rest/api/2/myself are under it, READ asked, the client in the form, the redirect URI sent again on refresh", () => {
    expect(jira_data_center.values).toEqual({ baseUrl: 'required' });
    expect(settings).toMatchObject({
      endpoints: {
        authorizationEndpoint: 'https://jira.example.com/jira/rest/oauth2/latest/authorize',
        tokenEndpoint: 'https://jira.example.com/jira/rest/oauth2/latest/token',
        userinfoEndpoint: 'https://jira.example.com/jira/rest/api/2/myself',
      },
      scope: 'READ',
      apiBaseUrl: 'https://jira.example.com/jira/rest',
      tokenEndpointAuthMethod: 'client_secret_post',
      subjectClaim: 'key',
      refreshSendsRedirectUri: true,
    });
    expect(settings.endpoints).not.toHaveProperty('revocationEndpoint');
  });
});

describe('jira_data_center profileClaims: /rest/api/2/myself', () => {
  it('takes the key (not the username), the display name (else the username), the username, and the e-mail as not verified', () => {
    expect(profileClaims!({ self: 'https://jira.example.com/rest/api/2/user?username=ada', key: 'JIRAUSER10100', name: 'ada', emailAddress: 'ada@example.com', displayName: 'Ada Lovelace', active: true })).toEqual({
      key: 'JIRAUSER10100',
      name: 'Ada Lovelace',
      preferred_username: 'ada',
      email: 'ada@example.com',
      email_verified: false,
    });
    expect(profileClaims!({ key: 'JIRAUSER10101', name: 'grace', displayName: ' ' })).toEqual({ key: 'JIRAUSER10101', name: 'grace', preferred_username: 'grace' });
  });

  it.each([[{ name: 'no-key' }], [{ key: '' }], [{ key: 7 }], [[]], [null]])('finds no one in %j', (body) => {
    expect(profileClaims!(body)).toBeUndefined();
  });
});
