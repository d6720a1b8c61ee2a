import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { RevocationRequest } from '../provider-hooks.js';
import { answer, revocationRequest } from '../../../test/support/revocation-request.js';
import { smartsheet } from './smartsheet.js';

const settings = smartsheet.settings({});
const { tokenRequest, profileClaims, revoke } = settings.hooks!;
const sha256 = (value: string) => createHash('sha256').update(value, 'utf8').digest('hex');

describe('smartsheet settings: sign-in on app.<domain>, token and API on api.<domain>/2.0', () => {
  it('smartsheet.com by default, READ_SHEETS without PKCE, the client in the form (made a hash)', () => {
    expect(settings).toMatchObject({
      endpoints: {
        authorizationEndpoint: 'https://app.smartsheet.com/b/authorize',
        tokenEndpoint: 'https://api.smartsheet.com/2.0/token',
        userinfoEndpoint: 'https://api.smartsheet.com/2.0/users/me',
      },
      scope: 'READ_SHEETS',
      pkce: false,
      apiBaseUrl: 'https://api.smartsheet.com/2.0',
      tokenEndpointAuthMethod: 'client_secret_post',
      subjectClaim: 'id',
    });
    expect(settings.endpoints!.revocationEndpoint).toBeUndefined();
  });

  it.each([['smartsheet.eu'], ['smartsheet.au'], ['smartsheetgov.com']])('<NAME>_DOMAIN=%s moves the sign-in, the token and the API there', (domain) => {
    const region = smartsheet.settings({ domain });
    expect(region.endpoints).toEqual({
      authorizationEndpoint: `https://app.${domain}/b/authorize`,
      tokenEndpoint: `https://api.${domain}/2.0/token`,
      userinfoEndpoint: `https://api.${domain}/2.0/users/me`,
    });
    expect(region.apiBaseUrl).toBe(`https://api.${domain}/2.0`);
  });
});

describe('smartsheet tokenRequest: hash in place of the app secret', () => {
  const headers = { accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded;charset=UTF-8' };

  it('the code exchange carries SHA-256(secret|code), and no secret; the other members stay', () => {
    const body = new URLSearchParams({ grant_type: 'authorization_code', code: 'sample-code', redirect_uri: 'https://app.example/cb', client_id: 'cid', client_secret: 's3cr3t' });
    const sent = tokenRequest!({ body, headers });
    const form = new URLSearchParams(sent.body);
    expect(form.has('client_secret')).toBe(false);
    expect(form.get('hash')).toBe(sha256('s3cr3t|sample-code'));
    expect(Object.fromEntries(form)).toMatchObject({ grant_type: 'authorization_code', code: 'sample-code', redirect_uri: 'https://app.example/cb', client_id: 'cid' });
    expect(sent.headers).toEqual(headers);
  });

  it('a refresh carries SHA-256(secret|refresh token)', () => {
    const body = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: 'rt-1', client_id: 'cid', client_secret: 's3cr3t' });
    const form = new URLSearchParams(tokenRequest!({ body, headers }).body);
    expect(form.get('hash')).toBe(sha256('s3cr3t|rt-1'));
    expect(form.has('client_secret')).toBe(false);
  });

  it('a form without a secret, or without a code or refresh token, goes as it came', () => {
    const withoutSecret = new URLSearchParams({ grant_type: 'authorization_code', code: 'c', client_id: 'cid' });
    expect(tokenRequest!({ body: withoutSecret, headers }).body).toBe(withoutSecret.toString());
    const withoutCode = new URLSearchParams({ grant_type: 'authorization_code', client_id: 'cid', client_secret: 's' });
    expect(tokenRequest!({ body: withoutCode, headers }).body).toBe(withoutCode.toString());
  });
});

describe('smartsheet profileClaims: the user of /users/me', () => {
  const me = { id: 48_569_348_493_401, email: 'john.doe@smartsheet.com', firstName: 'John', lastName: 'Doe', locale: 'en_US', timeZone: 'US/Pacific', account: { name: 'Acme', id: 942_513_719_853_956 }, admin: true };

  it('takes the id as a string, the names joined, the e-mail (not verified) and the account', () => {
    expect(profileClaims!(me)).toEqual({ id: '48569348493401', name: 'John Doe', email: 'john.doe@smartsheet.com', email_verified: false, account_id: '942513719853956', account_name: 'Acme' });
  });

  it('no names and no e-mail: none claimed', () => {
    expect(profileClaims!({ id: 48_569_348_493_401, firstName: ' ' })).toEqual({ id: '48569348493401' });
  });

  it.each([[{ ...me, id: undefined }], [{ ...me, id: 0 }], [{ ...me, id: 1.5 }], [{ ...me, id: 'abc' }], [{ errorCode: 1002, message: 'Your Access Token is invalid.' }], [null], [[me]]])('finds no one in %j', (body) => {
    expect(profileClaims!(body)).toBeUndefined();
  });
});

describe('smartsheet revoke: DELETE /token?deleteAllForApiClient=true with the access token', () => {
  const request = (reply: () => Response, state: Partial<RevocationRequest> = {}) => revocationRequest(reply, { apiBaseUrl: 'https://api.smartsheet.com/2.0/', ...state });

  it("200 is revoked; one request, the access token as Bearer, every token of the app for the person", async () => {
    const { value, sent } = request(answer(200, { message: 'SUCCESS', resultCode: 0 }));
    expect(await revoke!(value)).toBe('revoked');
    expect(sent).toHaveLength(1);
    expect(sent[0]!.url).toBe('https://api.smartsheet.com/2.0/token?deleteAllForApiClient=true');
    expect(sent[0]!.init).toMatchObject({ method: 'DELETE', headers: { authorization: 'Bearer live' } });
    expect(sent[0]!.init.body).toBeUndefined();
  });

  it('401 once Smartsheet refused the refresh token is already revoked; otherwise a failure', async () => {
    const refused = { errorCode: 1002, message: 'Your Access Token is invalid.' };
    expect(await revoke!(request(answer(401, refused), { refreshTokenRefused: true }).value)).toBe('already_revoked');
    await expect(revoke!(request(answer(401, refused)).value)).rejects.toMatchObject({ code: 'provider_bad_response', message: expect.stringContaining('error 1002') });
  });

  it('a failing server is a failure', async () => {
    await expect(revoke!(request(answer(503)).value)).rejects.toMatchObject({ code: 'provider_error' });
  });

  it('needs the API base', async () => {
    await expect(revoke!(revocationRequest(answer(200)).value)).rejects.toThrow('API base');
  });
});
