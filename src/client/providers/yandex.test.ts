import { describe, expect, it } from 'vitest';
import type { RevocationRequest } from '../provider-hooks.js';
import { answer, revocationRequest } from '../../../test/support/revocation-request.js';
import { yandex } from './yandex.js';

const settings = yandex.settings({});
const { tokenResponse, profileClaims, revoke } = settings.hooks!;

describe('yandex settings', () => {
  it('asks for no scope (the rights set on the app) and for a device token, which Yandex lets an app revoke', () => {
    expect(settings.scope).toBe('');
    expect(settings.authorizationParams).toEqual({ device_id: 'tokenkeeper', device_name: 'Tokenkeeper' });
    expect(settings.apiTokenScheme).toBe('OAuth');
    expect(settings.userinfoTokenScheme).toBe('OAuth');
  });
});

describe('yandex tokenResponse: the refresh token lives as long as its access token', () => {
  const tokens = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

  it('a refresh token without an end is given the access token’s expires_in', async () => {
    const rewritten = await tokenResponse!(tokens({ token_type: 'bearer', access_token: 'y0_a', expires_in: 31_536_000, refresh_token: '1:r' }));
    expect(rewritten.status).toBe(200);
    expect(await rewritten.json()).toEqual({ token_type: 'bearer', access_token: 'y0_a', expires_in: 31_536_000, refresh_token: '1:r', refresh_token_expires_in: 31_536_000 });
  });

  it('leaves alone an answer without a refresh token or expires_in, one that names an end, and a refusal', async () => {
    for (const body of [{ access_token: 'y0_a', expires_in: 3600 }, { access_token: 'y0_a', refresh_token: '1:r' }, { access_token: 'y0_a', expires_in: 3600, refresh_token: '1:r', refresh_token_expires_in: 60 }]) {
      expect(await (await tokenResponse!(tokens(body))).json()).toEqual(body);
    }
    const refused = await tokenResponse!(tokens({ error: 'invalid_grant', error_description: 'Code has expired', refresh_token: 'x', expires_in: 1 }, 400));
    expect(refused.status).toBe(400);
    expect(await refused.json()).toEqual({ error: 'invalid_grant', error_description: 'Code has expired', refresh_token: 'x', expires_in: 1 });
  });
});

describe('yandex profileClaims: the person of login.yandex.ru/info', () => {
  const person = {
    id: '1000034426',
    login: 'ivan',
    client_id: '4760187d81bc4b7799476b42b5103713',
    display_name: 'Ivan',
    real_name: 'Ivan Ivanov',
    first_name: 'Ivan',
    last_name: 'Ivanov',
    default_email: 'ivan@yandex.ru',
    emails: ['ivan@yandex.ru'],
    default_avatar_id: '131652443',
    is_avatar_empty: false,
    psuid: '1.AAceCw.tbHgw5DtJ9_zeqPrk-Ba2w.qPWSRC5v2t2IaksPJgnge',
  };

  it('takes the id, the real name, the login, the e-mail (verification unknown) and the avatar', () => {
    expect(profileClaims!(person)).toEqual({
      id: '1000034426',
      name: 'Ivan Ivanov',
      login: 'ivan',
      email: 'ivan@yandex.ru',
      picture: 'https://avatars.yandex.net/get-yapic/131652443/islands-200',
      psuid: '1.AAceCw.tbHgw5DtJ9_zeqPrk-Ba2w.qPWSRC5v2t2IaksPJgnge',
    });
  });

  it('the display name without a real name; no avatar when it is empty; the id alone without login:info or login:email', () => {
    expect(profileClaims!({ ...person, real_name: '', is_avatar_empty: true })).toMatchObject({ name: 'Ivan' });
    expect(profileClaims!({ ...person, is_avatar_empty: true })).not.toHaveProperty('picture');
    expect(profileClaims!({ ...person, default_avatar_id: '21493/enc-pIDUb1tL8' })).toMatchObject({ picture: 'https://avatars.yandex.net/get-yapic/21493/enc-pIDUb1tL8/islands-200' });
    expect(profileClaims!({ ...person, default_avatar_id: '../x?y' })).not.toHaveProperty('picture');
    expect(profileClaims!({ id: '1000034426', login: 'ivan', client_id: 'c', psuid: 'p' })).toEqual({ id: '1000034426', login: 'ivan', psuid: 'p' });
  });

  it.each([[{ login: 'ivan' }], [{ id: 1000034426 }], [{ id: '' }], [{ id: 'ivan' }], [null], [[person]]])('finds no one in %j', (body) => {
    expect(profileClaims!(body)).toBeUndefined();
  });
});

describe('yandex revoke: the device token at /revoke_token', () => {
  const request = (status: number, body?: unknown, state: Partial<RevocationRequest> = {}) =>
    revocationRequest(answer(status, body), { clientId: 'id-1', clientSecret: 's+2', revocationEndpoint: 'https://oauth.yandex.com/revoke_token', ...state });

  it('200 is revoked; the access token in the form, the client as Basic as it is', async () => {
    const { value, sent } = request(200, { status: 'ok' });
    expect(await revoke!(value)).toBe('revoked');
    expect(sent).toHaveLength(1);
    expect(sent[0]!.url).toBe('https://oauth.yandex.com/revoke_token');
    expect(sent[0]!.init.method).toBe('POST');
    expect(sent[0]!.init.headers.authorization).toBe(`Basic ${Buffer.from('id-1:s+2').toString('base64')}`);
    expect(Object.fromEntries(new URLSearchParams(sent[0]!.init.body))).toEqual({ access_token: 'live' });
  });

  it('a token issued for no device cannot be revoked there, and says so; other refusals fail', async () => {
    await expect(revoke!(request(400, { error: 'unsupported_token_type', error_description: 'Token is not device-bound' }).value)).rejects.toThrow(/only tokens issued for a device/);
    await expect(revoke!(request(400, { error: 'invalid_grant' }).value)).rejects.toMatchObject({ code: 'provider_bad_response', message: expect.stringContaining('(invalid_grant)') });
    await expect(revoke!(request(401, { error: 'invalid_client' }).value)).rejects.toMatchObject({ code: 'provider_bad_response' });
    await expect(revoke!(request(503).value)).rejects.toMatchObject({ code: 'provider_error' });
  });
});
