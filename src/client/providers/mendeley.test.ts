import { describe, expect, it } from 'vitest';
import { mendeley } from './mendeley.js';

const settings = mendeley.settings({});
const { profileClaims } = settings.hooks!;

describe('mendeley settings', () => {
  it('signs in, reads the profile and calls the API at api.mendeley.com, asks scope all, sends the client as HTTP Basic and the redirect_uri at each refresh, and has no revocation', () => {
    expect(settings).toMatchObject({
      endpoints: {
        authorizationEndpoint: 'https://api.mendeley.com/oauth/authorize',
        tokenEndpoint: 'https://api.mendeley.com/oauth/token',
        userinfoEndpoint: 'https://api.mendeley.com/profiles/me',
      },
      apiBaseUrl: 'https://api.mendeley.com',
      scope: 'all',
      tokenEndpointAuthMethod: 'client_secret_basic',
      pkce: false,
      refreshSendsRedirectUri: true,
      subjectClaim: 'id',
    });
    expect(mendeley.values).toBeUndefined();
    expect(settings.endpoints?.revocationEndpoint).toBeUndefined();
    expect(settings.hooks?.revoke).toBeUndefined();
  });
});

describe('mendeley profileClaims: the profile of /profiles/me', () => {
  it('takes the id, the display name, the first and last names, the e-mail and the profile page, not the academic status', () => {
    expect(
      profileClaims!({
        id: 'e2cc65ad-5ef2-3838-b934-737fdb3b196d',
        first_name: 'Ada',
        last_name: 'Lovelace',
        display_name: ' Ada Lovelace ',
        email: 'ada@university.test',
        link: 'https://www.mendeley.com/profiles/ada-lovelace/',
        academic_status: 'Researcher',
        verified: true,
      }),
    ).toEqual({
      id: 'e2cc65ad-5ef2-3838-b934-737fdb3b196d',
      name: 'Ada Lovelace',
      given_name: 'Ada',
      family_name: 'Lovelace',
      email: 'ada@university.test',
      profile: 'https://www.mendeley.com/profiles/ada-lovelace/',
    });
  });

  it('joins the first and last names when there is no display name, and leaves out what is empty', () => {
    expect(profileClaims!({ id: 'p-1', display_name: ' ', first_name: 'Grace', last_name: 'Hopper', email: null })).toEqual({ id: 'p-1', name: 'Grace Hopper', given_name: 'Grace', family_name: 'Hopper' });
    expect(profileClaims!({ id: 'p-2' })).toEqual({ id: 'p-2' });
  });

  it.each([[{ display_name: 'Ada Lovelace' }], [{ id: 42 }], [{ id: ' ' }], [{ message: 'No userid found in auth token' }], [null], [[{ id: 'p-1' }]]])('finds no one in %j', (body) => {
    expect(profileClaims!(body)).toBeUndefined();
  });
});

describe('mendeley tokenResponse: the token endpoint’s plain-text refusal of the client', () => {
  const { tokenResponse } = settings.hooks!;
  const answer = (status: number, body: string, type: string) => new Response(body, { status, headers: { 'content-type': type, 'www-authenticate': 'Basic realm="Mendeley"' } });

  it('reads a 401 in plain text as invalid_client, the text as its description, keeping the challenge', async () => {
    const read = await tokenResponse!(answer(401, 'Unauthorized\n', 'text/plain'));
    expect(read.status).toBe(401);
    expect(read.headers.get('content-type')).toBe('application/json');
    expect(read.headers.get('www-authenticate')).toBe('Basic realm="Mendeley"');
    expect(await read.json()).toEqual({ error: 'invalid_client', error_description: 'Unauthorized' });
    expect(await (await tokenResponse!(answer(401, '', 'text/plain'))).json()).toEqual({ error: 'invalid_client' });
  });

  it('leaves a 401 that names its error, and every other answer, as they came', async () => {
    const named = await tokenResponse!(answer(401, '{"error":"unauthorized_client"}', 'application/json'));
    expect(await named.json()).toEqual({ error: 'unauthorized_client' });
    const refused = answer(400, '{"error":"invalid_grant","error_description":"Invalid access code"}', 'application/json');
    expect(await tokenResponse!(refused)).toBe(refused);
  });
});
