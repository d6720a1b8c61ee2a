import { describe, expect, it } from 'vitest';
import type { RevocationRequest } from '../provider-hooks.js';
import { answer, revocationRequest } from '../../../test/support/revocation-request.js';
import { nextcloud } from './nextcloud.js';

const settings = nextcloud.settings({ baseUrl: 'https://cloud.example.com/nc/' });
const { tokenResponse, profileClaims, revoke } = settings.hooks!;

describe('nextcloud settings', () => {
  it("needs the server's URL; its OAuth2 app's endpoints and the OCS user are under it, the API base is the server itself, with OCS-APIRequest", () => {
    expect(nextcloud.values).toEqual({ baseUrl: 'required' });
    expect(settings).toMatchObject({
      endpoints: {
        authorizationEndpoint: 'https://cloud.example.com/nc/index.php/apps/oauth2/authorize',
        tokenEndpoint: 'https://cloud.example.com/nc/index.php/apps/oauth2/api/v1/token',
        userinfoEndpoint: 'https://cloud.example.com/nc/ocs/v2.php/cloud/user?format=json',
      },
      scope: '',
      apiBaseUrl: 'https://cloud.example.com/nc',
      apiHeaders: { 'ocs-apirequest': 'true' },
      tokenEndpointAuthMethod: 'client_secret_post',
      subjectClaim: 'id',
    });
    expect(settings.endpoints).not.toHaveProperty('revocationEndpoint');
  });
});

describe("nextcloud tokenResponse: Nextcloud's bare invalid_request as invalid_grant", () => {
  const sent = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json; charset=utf-8' } });
  const read = async (response: Response) => ({ status: response.status, body: (await response.json()) as Record<string, unknown> });

  it('a 400 { error: "invalid_request" } (a code or refresh token it does not take) is invalid_grant', async () => {
    const { status, body } = await read(await tokenResponse!(sent(400, { error: 'invalid_request' })));
    expect(status).toBe(400);
    expect(body).toMatchObject({ error: 'invalid_grant', nextcloud_error: 'invalid_request' });
  });

  it('tokens, invalid_client, and an invalid_request with a description (not Nextcloud’s) are left as they came', async () => {
    const tokens = { access_token: 'a'.repeat(72), token_type: 'Bearer', expires_in: 3600, refresh_token: 'r'.repeat(128), user_id: 'ada' };
    expect(await read(await tokenResponse!(sent(200, tokens)))).toEqual({ status: 200, body: tokens });
    expect(await read(await tokenResponse!(sent(400, { error: 'invalid_client' })))).toEqual({ status: 400, body: { error: 'invalid_client' } });
    const described = { error: 'invalid_request', error_description: 'missing grant_type' };
    expect(await read(await tokenResponse!(sent(400, described)))).toEqual({ status: 400, body: described });
  });
});

describe('nextcloud profileClaims: ocs.data of /cloud/user', () => {
  const ocs = (data: unknown) => ({ ocs: { meta: { status: 'ok', statuscode: 200, message: 'OK' }, data } });

  it('takes the id, the display name (either spelling) and the e-mail, not verified', () => {
    expect(profileClaims!(ocs({ id: 'ada', 'display-name': 'Ada Lovelace', email: 'ada@example.com' }))).toEqual({ id: 'ada', name: 'Ada Lovelace', email: 'ada@example.com', email_verified: false });
    expect(profileClaims!(ocs({ id: 'grace', displayname: 'Grace Hopper', email: null }))).toEqual({ id: 'grace', name: 'Grace Hopper' });
  });

  it.each([[ocs({ displayname: 'No Id' })], [ocs({ id: '' })], [ocs({ id: 7 })], [ocs([])], [{ id: 'ada' }], [null]])('finds no one in %j', (body) => {
    expect(profileClaims!(body)).toBeUndefined();
  });
});

describe('nextcloud revoke: the app password deleted with itself', () => {
  const request = (status: number, state: Partial<RevocationRequest> = {}) =>
    revocationRequest(answer(status), { apiBaseUrl: 'https://cloud.example.com/nc', apiHeaders: { 'ocs-apirequest': 'true' }, ...state });

  it('DELETE /ocs/v2.php/core/apppassword with the access token as Bearer and OCS-APIRequest; 200 is revoked', async () => {
    const { value, sent } = request(200);
    expect(await revoke!(value)).toBe('revoked');
    expect(sent).toHaveLength(1);
    expect(sent[0]!.url).toBe('https://cloud.example.com/nc/ocs/v2.php/core/apppassword?format=json');
    expect(sent[0]!.init.method).toBe('DELETE');
    expect(sent[0]!.init.headers).toMatchObject({ authorization: 'Bearer live', 'ocs-apirequest': 'true' });
  });

  it('a 401 once Nextcloud refused the refresh token is already revoked; a 401 otherwise, a 403 or a 5xx is a failure', async () => {
    expect(await revoke!(request(401, { refreshTokenRefused: true }).value)).toBe('already_revoked');
    await expect(revoke!(request(401).value)).rejects.toMatchObject({ code: 'provider_bad_response' });
    await expect(revoke!(request(403).value)).rejects.toMatchObject({ code: 'provider_bad_response' });
    await expect(revoke!(request(503).value)).rejects.toMatchObject({ code: 'provider_error' });
  });
});
