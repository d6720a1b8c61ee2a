import { describe, expect, it } from 'vitest';
import { smartthings } from './smartthings.js';

const CLIENT_ID = 'c6a1f1b2-3d4e-4f50-8a9b-0c1d2e3f4a5b';
const { tokenRequest, tokenResponseProfile } = smartthings.settings({}, { clientId: CLIENT_ID }).hooks!;

describe('smartthings tokenRequest: client_id in the form beside the Basic credentials', () => {
  const headers = { authorization: 'Basic Yzpz', 'content-type': 'application/x-www-form-urlencoded;charset=UTF-8' };

  it('adds client_id to the code exchange and to a refresh, the headers and other members kept', () => {
    const exchange = new URLSearchParams({ grant_type: 'authorization_code', code: 'abc', redirect_uri: 'https://app.example/cb' });
    const sent = tokenRequest!({ body: exchange, headers });
    expect(Object.fromEntries(new URLSearchParams(sent.body))).toEqual({ grant_type: 'authorization_code', code: 'abc', redirect_uri: 'https://app.example/cb', client_id: CLIENT_ID });
    expect(sent.headers).toEqual(headers);
    expect(exchange.has('client_id')).toBe(false);
    const refresh = tokenRequest!({ body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: 'r1' }), headers });
    expect(Object.fromEntries(new URLSearchParams(refresh.body))).toEqual({ grant_type: 'refresh_token', refresh_token: 'r1', client_id: CLIENT_ID });
  });

  it('a form that has client_id already is sent as it is', () => {
    const form = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: 'r1', client_id: 'other' });
    expect(tokenRequest!({ body: form, headers }).body).toBe(form.toString());
  });
});

describe("smartthings tokenResponseProfile: the token answer's owner_account_id", () => {
  const tokens = { access_token: 'a', token_type: 'bearer', refresh_token: 'r', expires_in: 86399, scope: 'r:devices:*', access_tier: 0 };
  const accounts = { developer_account_id: 'dev-1', iot_account_id: 'iot-1', owner_account_id: 'owner-1', installed_app_id: 'app-1' };

  it('takes the owner account and the installed app, and nothing of the tokens or the other accounts', () => {
    expect(tokenResponseProfile!({ ...tokens, ...accounts })).toEqual({ owner_account_id: 'owner-1', installed_app_id: 'app-1' });
    expect(tokenResponseProfile!({ ...tokens, owner_account_id: 'owner-1', installed_app_id: '' })).toEqual({ owner_account_id: 'owner-1' });
  });

  it.each([[{}], [{ owner_account_id: '' }], [{ owner_account_id: 42 }], [{ iot_account_id: 'iot-1', installed_app_id: 'app-1' }]])('finds no one in %j', (extra) => {
    expect(tokenResponseProfile!({ ...tokens, ...extra })).toBeUndefined();
  });
});
