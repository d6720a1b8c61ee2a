import { describe, expect, it } from 'vitest';
import { teamwork } from './teamwork.js';

const settings = teamwork.settings({});
const { profileClaims, tokenResponse, tokenRequest } = settings.hooks!;

describe('teamwork settings', () => {
  it("signs in at www.teamwork.com's launchpad, asks no scope and no PKCE, sends the client in a JSON body, reads each connection's API from its site's apiEndPoint on teamwork.com, and has no revocation", () => {
    expect(settings).toMatchObject({
      endpoints: {
        authorizationEndpoint: 'https://www.teamwork.com/launchpad/login',
        tokenEndpoint: 'https://www.teamwork.com/launchpad/v1/token.json',
      },
      scope: '',
      tokenEndpointAuthMethod: 'client_secret_post',
      pkce: false,
      omitsTokenType: true,
      connectionApiBase: { member: 'api_endpoint', domains: ['teamwork.com'], userinfoPath: '/projects/api/v3/me.json' },
      subjectClaim: 'teamwork_user',
    });
    expect(settings.apiBaseUrl).toBeUndefined();
    expect(settings.endpoints?.userinfoEndpoint).toBeUndefined();
    expect(settings.endpoints?.revocationEndpoint).toBeUndefined();
    expect(settings.hooks?.revoke).toBeUndefined();
    expect(teamwork.values).toBeUndefined();
  });

  it('sends the token request as JSON', () => {
    const sent = tokenRequest!({ body: new URLSearchParams({ grant_type: 'authorization_code', code: 'c0de', redirect_uri: 'https://app.example/cb', client_id: 'id', client_secret: 's3cret' }), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(sent.headers['content-type']).toBe('application/json');
    expect(JSON.parse(sent.body)).toEqual({ grant_type: 'authorization_code', code: 'c0de', redirect_uri: 'https://app.example/cb', client_id: 'id', client_secret: 's3cret' });
  });
});

describe("teamwork tokenResponse: the installation's apiEndPoint", () => {
  const answer = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

  it('lifts installation.apiEndPoint to api_endpoint, keeping the rest', async () => {
    const body = { access_token: 'tkn', installation: { id: 512340, apiEndPoint: 'https://acme.teamwork.com/', region: 'US' }, user: { id: 238101 }, status: 'ok' };
    const rewritten = await tokenResponse!(answer(body));
    expect(rewritten.status).toBe(200);
    expect(await rewritten.json()).toEqual({ ...body, api_endpoint: 'https://acme.teamwork.com/' });
  });

  it.each([
    ['no installation', { access_token: 'tkn' }],
    ['an apiEndPoint that is not text', { access_token: 'tkn', installation: { apiEndPoint: 42 } }],
    ['an api_endpoint of its own', { access_token: 'tkn', api_endpoint: 'https://x.teamwork.com', installation: { apiEndPoint: 'https://acme.teamwork.com/' } }],
    ['a refusal', { error: 'invalid_grant' }],
  ])('leaves an answer with %s as it came', async (_name, body) => {
    const rewritten = await tokenResponse!(answer(body, 'error' in body ? 400 : 200));
    expect(await rewritten.json()).toEqual(body);
  });
});

describe('teamwork profileClaims: the person of /projects/api/v3/me.json', () => {
  it('makes the subject of the id and the installation id, with the names, the e-mail and the avatar', () => {
    expect(
      profileClaims!({ person: { id: 238101, installationId: 512340, firstName: 'Ada', lastName: 'Lovelace', email: 'ada@acme.test', avatarUrl: 'https://example.com/a.png', isAdmin: true, companyId: 1 } }),
    ).toEqual({ teamwork_user: '238101@512340', id: '238101', installation_id: '512340', name: 'Ada Lovelace', given_name: 'Ada', family_name: 'Lovelace', email: 'ada@acme.test', picture: 'https://example.com/a.png' });
  });

  it('takes ids as decimal text too, and leaves out what is empty', () => {
    expect(profileClaims!({ person: { id: '999', installationId: '12', firstName: '', lastName: 'Hopper', email: '' } })).toEqual({ teamwork_user: '999@12', id: '999', installation_id: '12', name: 'Hopper', family_name: 'Hopper' });
  });

  it.each([
    [{ person: { installationId: 1 } }],
    [{ person: { id: 1 } }],
    [{ person: { id: 0, installationId: 1 } }],
    [{ person: { id: '1a', installationId: 1 } }],
    [{ person: { id: 1.5, installationId: 1 } }],
    [{ id: 1, installationId: 1 }],
    [{ errors: [{ title: 'Unauthorized' }] }],
    [null],
  ])('finds no one in %j', (body) => {
    expect(profileClaims!(body)).toBeUndefined();
  });
});
