import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { jobber } from './jobber.js';

const settings = jobber.settings({});
const { profileClaims, tokenResponse } = settings.hooks!;

const jwtEndingIn = (seconds: number) =>
  new SignJWT({ sub: 'user' }).setProtectedHeader({ alg: 'HS256' }).setExpirationTime(Math.floor(Date.now() / 1000) + seconds).sign(new TextEncoder().encode('a-test-key-of-32-bytes-or-more!!'));

describe('jobber settings', () => {
  it('signs in at api.getjobber.com, queries the user over GraphQL with the version header, asks no scope, sends the client in the form, and has no revocation', () => {
    expect(settings).toMatchObject({
      endpoints: {
        authorizationEndpoint: 'https://api.getjobber.com/api/oauth/authorize',
        tokenEndpoint: 'https://api.getjobber.com/api/oauth/token',
        userinfoEndpoint: 'https://api.getjobber.com/api/graphql',
      },
      apiBaseUrl: 'https://api.getjobber.com/api',
      scope: '',
      tokenEndpointAuthMethod: 'client_secret_post',
      pkce: false,
      omitsTokenType: true,
      apiHeaders: { 'x-jobber-graphql-version': '2025-04-16' },
      proxyHeaders: { request: ['x-jobber-graphql-version'], response: [] },
      subjectClaim: 'id',
    });
    expect(settings.userinfoPostJson).toEqual({ query: expect.stringMatching(/user \{ id .*account \{ id name \}/) });
    expect(jobber.values).toBeUndefined();
    expect(settings.endpoints?.revocationEndpoint).toBeUndefined();
    expect(settings.hooks?.revoke).toBeUndefined();
  });
});

describe('jobber tokenResponse: the access token’s exp when the answer has no expires_in', () => {
  it('adds expires_in from the JWT access token’s exp', async () => {
    const answer = await tokenResponse!(Response.json({ access_token: await jwtEndingIn(3600), refresh_token: 'r1' }));
    const body = (await answer.json()) as Record<string, unknown>;
    expect(body.refresh_token).toBe('r1');
    expect(body.expires_in).toBeGreaterThan(3590);
    expect(body.expires_in).toBeLessThanOrEqual(3600);
  });

  it('keeps an answer that says expires_in, one whose token is not a JWT or has ended, and a refusal, as they were', async () => {
    for (const [status, body] of [
      [200, { access_token: 'opaque', refresh_token: 'r1' }],
      [200, { access_token: await jwtEndingIn(3600), expires_in: 60 }],
      [200, { access_token: await jwtEndingIn(-10) }],
      [400, { error: 'invalid_grant' }],
    ] as const) {
      const answer = await tokenResponse!(Response.json(body, { status }));
      expect(answer.status).toBe(status);
      expect(await answer.json()).toEqual(body);
    }
  });
});

describe('jobber profileClaims: the GraphQL user and account', () => {
  const user = { id: 'Z2lkOi8vSm9iYmVyL1VzZXIvMTIz', name: { first: 'Dana', last: ' Reyes ', full: 'Dana Reyes' }, email: { raw: 'dana@lawnco.example' } };
  const account = { id: 'Z2lkOi8vSm9iYmVyL0FjY291bnQvNDU2', name: 'Reyes Lawn Care' };

  it('takes the user’s id, names and e-mail, and the account’s id and name', () => {
    expect(profileClaims!({ data: { user, account } })).toEqual({
      id: 'Z2lkOi8vSm9iYmVyL1VzZXIvMTIz',
      name: 'Dana Reyes',
      given_name: 'Dana',
      family_name: 'Reyes',
      email: 'dana@lawnco.example',
      account_id: 'Z2lkOi8vSm9iYmVyL0FjY291bnQvNDU2',
      account_name: 'Reyes Lawn Care',
    });
  });

  it('joins the first and last names without a full one, and leaves out what is missing', () => {
    expect(profileClaims!({ data: { user: { id: 'u1', name: { first: 'Dana', last: 'Reyes', full: ' ' } } } })).toEqual({ id: 'u1', name: 'Dana Reyes', given_name: 'Dana', family_name: 'Reyes' });
    expect(profileClaims!({ data: { user: { id: 'u2' }, account: null } })).toEqual({ id: 'u2' });
  });

  it.each([[{ data: { user: null, account } }], [{ data: { user: { id: 42 } } }], [{ data: { account } }], [{ errors: [{ message: 'Unauthorized' }] }], [null]])('finds no one in %j', (body) => {
    expect(profileClaims!(body)).toBeUndefined();
  });
});
