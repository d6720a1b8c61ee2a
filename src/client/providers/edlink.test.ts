import { describe, expect, it } from 'vitest';
import { edlink } from './edlink.js';

const settings = edlink.settings({});
const { tokenResponse, profileClaims, tokenRejected } = settings.hooks!;
const answer = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

describe('edlink settings', () => {
  it('signs in at ed.link/sso/login with no scope and no PKCE, the client in the body, the person by /my/profile id', () => {
    expect(settings).toMatchObject({
      endpoints: { authorizationEndpoint: 'https://ed.link/sso/login', tokenEndpoint: 'https://ed.link/api/authentication/token', userinfoEndpoint: 'https://ed.link/api/v2/my/profile' },
      scope: '',
      apiBaseUrl: 'https://ed.link/api/v2',
      tokenEndpointAuthMethod: 'client_secret_post',
      pkce: false,
      subjectClaim: 'id',
    });
  });
});

describe('edlink tokenResponse: { $data } and { $errors }', () => {
  it('unwraps $data into RFC 6749 §5.1 tokens, a Bearer type when none is named', async () => {
    const unwrapped = await tokenResponse!(answer(200, { $request: 'r-1', $data: { access_token: 'at', refresh_token: 'rt', expires_in: 3600 } }));
    expect(unwrapped.status).toBe(200);
    expect(await unwrapped.json()).toEqual({ token_type: 'Bearer', access_token: 'at', refresh_token: 'rt', expires_in: 3600 });
  });

  it('reads $errors as invalid_client (a code naming the client, 401) or invalid_grant (400)', async () => {
    const client = await tokenResponse!(answer(400, { $request: 'r-2', $errors: [{ code: 'INVALID_CLIENT_SECRET', message: 'Bad secret.' }] }));
    expect(client.status).toBe(401);
    expect(await client.json()).toEqual({ error: 'invalid_client', error_description: 'Bad secret.', edlink_codes: ['INVALID_CLIENT_SECRET'] });
    const grant = await tokenResponse!(answer(400, { $request: 'r-3', $errors: [{ code: 'INVALID_REFRESH_TOKEN', message: 'Nope.' }] }));
    expect(grant.status).toBe(400);
    expect(await grant.json()).toMatchObject({ error: 'invalid_grant' });
  });

  it('leaves a server failure or another body as it came', async () => {
    const failed = await tokenResponse!(answer(500, { $errors: [{ code: 'INTERNAL', message: 'x' }] }));
    expect(failed.status).toBe(500);
    expect((await tokenResponse!(answer(400, { error: 'invalid_grant' }))).status).toBe(400);
  });
});

describe('edlink profileClaims: /my/profile $data', () => {
  it('keeps the id, the names, the e-mail (never marked verified), the picture, the district and the roles', () => {
    const body = { $request: 'r', $data: { id: 'af40a896-5f96-41ca-8031-84cdf72e3559', first_name: 'Mabel', middle_name: null, last_name: 'Pines', display_name: 'Mabel Pines', roles: ['student'], picture_url: null, email: 'mabel@school.example', district_id: 'd-1' } };
    expect(profileClaims!(body)).toEqual({ id: 'af40a896-5f96-41ca-8031-84cdf72e3559', name: 'Mabel Pines', given_name: 'Mabel', family_name: 'Pines', email: 'mabel@school.example', district_id: 'd-1', roles: ['student'] });
  });

  it('no $data or no id names no one', () => {
    expect(profileClaims!({ $errors: [{ code: 'INVALID_TOKEN' }] })).toBeUndefined();
    expect(profileClaims!({ $data: { first_name: 'Nobody' } })).toBeUndefined();
    expect(profileClaims!({ id: 'top-level' })).toBeUndefined();
  });
});

describe('edlink tokenRejected: a 400 INVALID_TOKEN or EXPIRED_TOKEN', () => {
  it('is the token refused', async () => {
    expect(await tokenRejected!(answer(400, { $errors: [{ code: 'INVALID_TOKEN', message: 'You must supply a valid access token.' }] }))).toBe(true);
    expect(await tokenRejected!(answer(400, { $errors: [{ code: 'EXPIRED_TOKEN', message: 'Expired.' }] }))).toBe(true);
  });

  it("another 400 or another status is the caller's", async () => {
    expect(await tokenRejected!(answer(400, { $errors: [{ code: 'INVALID_REQUEST_BODY', message: 'Bad body.' }] }))).toBe(false);
    expect(await tokenRejected!(answer(403, { $errors: [{ code: 'INVALID_TOKEN' }] }))).toBe(false);
  });
});
