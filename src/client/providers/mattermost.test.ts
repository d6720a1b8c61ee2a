import { describe, expect, it } from 'vitest';
import { mattermost } from './mattermost.js';

const settings = mattermost.settings({ baseUrl: 'https://chat.example.com/mm/' });
const { tokenResponse, profileClaims } = settings.hooks!;

describe('mattermost settings', () => {
  it("needs the server's Site URL; /oauth/authorize, /oauth/access_token and /api/v4/users/me are under it, no scope, the client in the form", () => {
    expect(mattermost.values).toEqual({ baseUrl: 'required' });
    expect(settings).toMatchObject({
      endpoints: {
        authorizationEndpoint: 'https://chat.example.com/mm/oauth/authorize',
        tokenEndpoint: 'https://chat.example.com/mm/oauth/access_token',
        userinfoEndpoint: 'https://chat.example.com/mm/api/v4/users/me',
      },
      scope: '',
      apiBaseUrl: 'https://chat.example.com/mm/api/v4',
      tokenEndpointAuthMethod: 'client_secret_post',
      subjectClaim: 'id',
    });
    expect(settings.endpoints).not.toHaveProperty('revocationEndpoint');
  });
});

describe("mattermost tokenResponse: Mattermost's AppError refusals as RFC 6749's", () => {
  const sent = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
  const read = async (response: Response) => ({ status: response.status, body: (await response.json()) as Record<string, unknown> });
  const appError = (status: number, id: string, message: string) => sent(status, { id, message, detailed_error: '', request_id: 'r1', status_code: status });

  it.each([
    [404, 'api.oauth.get_access_token.refresh_token.app_error', 'invalid_grant: Invalid refresh token.'],
    [400, 'api.oauth.get_access_token.expired_code.app_error', 'invalid_grant: Invalid or expired authorization code.'],
    [403, 'api.oauth.get_access_token.expired_code.app_error', 'invalid_grant: Invalid or expired authorization code.'],
    [400, 'api.oauth.get_access_token.redirect_uri.app_error', 'invalid_request: Supplied redirect_uri does not match authorization code redirect_uri.'],
  ])('HTTP %i %s is a 400 invalid_grant with its message', async (status, id, message) => {
    expect(await read(await tokenResponse!(appError(status, id, message)))).toEqual({ status: 400, body: { error: 'invalid_grant', error_description: message, mattermost_error: id } });
  });

  it.each([
    [401, 'model.oauth.validate_grant.credentials.app_error'],
    [403, 'api.oauth.get_access_token.credentials.app_error'],
  ])('HTTP %i %s is a 401 invalid_client', async (status, id) => {
    expect(await read(await tokenResponse!(appError(status, id, 'invalid_client: Invalid client credentials.')))).toEqual({
      status: 401,
      body: { error: 'invalid_client', error_description: 'invalid_client: Invalid client credentials.', mattermost_error: id },
    });
  });

  it('another AppError, an RFC 6749 error and tokens are left as they came; an empty id_token is dropped', async () => {
    const other = { id: 'api.oauth.get_access_token.bad_grant.app_error', message: 'invalid_request: Bad grant_type.', status_code: 400 };
    expect(await read(await tokenResponse!(sent(400, other)))).toEqual({ status: 400, body: other });
    expect(await read(await tokenResponse!(sent(400, { error: 'invalid_request' })))).toEqual({ status: 400, body: { error: 'invalid_request' } });
    const tokens = { access_token: 'a'.repeat(26), token_type: 'bearer', expires_in: 2_592_000, scope: '', refresh_token: 'r'.repeat(26) };
    expect(await read(await tokenResponse!(sent(200, tokens)))).toEqual({ status: 200, body: tokens });
    expect(await read(await tokenResponse!(sent(200, { ...tokens, id_token: '' })))).toEqual({ status: 200, body: tokens });
  });
});

describe('mattermost profileClaims: /api/v4/users/me', () => {
  it('takes the id, the full name (else the username), the username, and the e-mail, verified only when the user says so', () => {
    expect(profileClaims!({ id: 'u'.repeat(26), username: 'ada', first_name: 'Ada', last_name: 'Lovelace', email: 'ada@example.com', email_verified: true })).toEqual({
      id: 'u'.repeat(26),
      name: 'Ada Lovelace',
      preferred_username: 'ada',
      email: 'ada@example.com',
      email_verified: true,
    });
    expect(profileClaims!({ id: 'g'.repeat(26), username: 'grace', first_name: '', last_name: '', email: 'grace@example.com' })).toEqual({
      id: 'g'.repeat(26),
      name: 'grace',
      preferred_username: 'grace',
      email: 'grace@example.com',
      email_verified: false,
    });
  });

  it.each([[{ username: 'no-id' }], [{ id: '' }], [{ id: 7 }], [[]], [null]])('finds no one in %j', (body) => {
    expect(profileClaims!(body)).toBeUndefined();
  });
});
