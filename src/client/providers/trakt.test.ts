import { describe, expect, it } from 'vitest';
import { answer, revocationRequest } from '../../../test/support/revocation-request.js';
import { trakt } from './trakt.js';

const settings = trakt.settings({});
const { tokenRequest, profileClaims, revoke } = settings.hooks!;

describe('trakt settings', () => {
  it('asks no scope, sends trakt-api-key (the client id) and trakt-api-version 2 on every call, and revokes at /oauth/revoke', () => {
    expect(settings.scope).toBe('');
    expect(settings.clientIdHeader).toBe('trakt-api-key');
    expect(settings.apiHeaders).toEqual({ 'trakt-api-version': '2' });
    expect(settings.endpoints?.revocationEndpoint).toBe('https://api.trakt.tv/oauth/revoke');
  });
});

describe('trakt tokenRequest: the form as the JSON body Trakt takes', () => {
  it('sends the same members as JSON, the content type changed and the other headers kept', () => {
    const body = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: 'r1', client_id: 'c', client_secret: 's' });
    const sent = tokenRequest!({ body, headers: { 'content-type': 'application/x-www-form-urlencoded;charset=UTF-8', accept: 'application/json' } });
    expect(JSON.parse(sent.body)).toEqual({ grant_type: 'refresh_token', refresh_token: 'r1', client_id: 'c', client_secret: 's' });
    expect(sent.headers).toEqual({ accept: 'application/json', 'content-type': 'application/json' });
  });
});

describe('trakt profileClaims: /users/settings', () => {
  it('takes ids.uuid as the subject, the username, the name and the slug', () => {
    const body = { user: { username: 'sean', private: false, name: 'Sean Rudford', vip: true, ids: { slug: 'sean', uuid: '3f2c6a1e-5b7d-4e8f-9a0b-1c2d3e4f5a6b' } }, account: { timezone: 'America/Los_Angeles' } };
    expect(profileClaims!(body)).toEqual({ uuid: '3f2c6a1e-5b7d-4e8f-9a0b-1c2d3e4f5a6b', preferred_username: 'sean', name: 'Sean Rudford', slug: 'sean' });
  });

  it('a user without a name is named by the username', () => {
    expect(profileClaims!({ user: { username: 'justin', name: null, ids: { slug: 'justin', uuid: 'u-1' } } })).toEqual({ uuid: 'u-1', preferred_username: 'justin', name: 'justin', slug: 'justin' });
  });

  it.each([[{ user: { username: 'sean', ids: { slug: 'sean' } } }], [{ user: { username: 'sean', ids: { uuid: ' ' } } }], [{ username: 'sean' }], [null]])('finds no one in %j', (body) => {
    expect(profileClaims!(body)).toBeUndefined();
  });
});

describe('trakt revoke: the access token at /oauth/revoke', () => {
  const request = (status: number) =>
    revocationRequest(answer(status), { revocationEndpoint: 'https://api.trakt.tv/oauth/revoke', clientId: 'cid', clientSecret: 'csecret', apiHeaders: { 'trakt-api-version': '2', 'trakt-api-key': 'cid' } });

  it('200 is revoked; a JSON body of the token and the client, with the API headers', async () => {
    const { value, sent } = request(200);
    expect(await revoke!(value)).toBe('revoked');
    expect(sent).toHaveLength(1);
    expect(sent[0]!.url).toBe('https://api.trakt.tv/oauth/revoke');
    expect(sent[0]!.init.method).toBe('POST');
    expect(sent[0]!.init.headers).toMatchObject({ 'content-type': 'application/json', 'trakt-api-key': 'cid', 'trakt-api-version': '2' });
    expect(JSON.parse(sent[0]!.init.body!)).toEqual({ token: 'live', client_id: 'cid', client_secret: 'csecret' });
  });

  it('a refusal or a server fault fails', async () => {
    await expect(revoke!(request(401).value)).rejects.toMatchObject({ code: 'provider_bad_response' });
    await expect(revoke!(request(503).value)).rejects.toMatchObject({ code: 'provider_error' });
  });
});
