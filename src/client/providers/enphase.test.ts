import { describe, expect, it } from 'vitest';
import { providerSettings } from '../../config/provider-config.js';
import { enphase } from './enphase.js';

const API_KEY = 'b2b2fb0ea2ae4bc5d9b5e8c1d7f5d6a4';
const { tokenResponseProfile } = enphase.settings({}).hooks!;

describe("enphase tokenResponseProfile: the token answer's enl_uid", () => {
  const tokens = { access_token: 'a', token_type: 'bearer', refresh_token: 'r', expires_in: 86393, scope: 'read write' };
  const rest = { enl_cid: '5', enl_password_last_changed: '1638870641', is_internal_app: false, app_type: 'system', jti: '1ee68d30-3e79-4347-b7ea-a5851f6f15db' };

  it('takes the Enlighten user id as a string, and nothing else of the answer', () => {
    expect(tokenResponseProfile!({ ...tokens, enl_uid: '217231', ...rest })).toEqual({ enl_uid: '217231' });
    expect(tokenResponseProfile!({ ...tokens, enl_uid: 217231, ...rest })).toEqual({ enl_uid: '217231' });
  });

  it.each([[{}], [{ enl_uid: '' }], [{ enl_uid: 'abc' }], [{ enl_uid: 1.5 }], [{ enl_uid: null }], [{ enl_cid: '5' }]])('finds no one in %j', (extra) => {
    expect(tokenResponseProfile!({ ...tokens, ...extra })).toBeUndefined();
  });
});

describe('enphase settings: the API key as the key query parameter', () => {
  const env = { OAUTH_PROVIDERS: 'enphase', ENPHASE_PRESET: 'enphase', ENPHASE_CLIENT_ID: 'f2a479f3c6067f0d9517cadae7f00b47', ENPHASE_CLIENT_SECRET: '5035ca64c13f793a7c1bca435591d5ea' };

  it('sends ENPHASE_X_API_KEY as `key` on every API call, asks for no scope, and sends the client as Basic', () => {
    const settings = providerSettings({ ...env, ENPHASE_X_API_KEY: API_KEY }, 'enphase', true);
    expect(settings.apiQueryParameters).toEqual({ key: API_KEY });
    expect(settings.apiHeaders).toBeUndefined();
    expect(settings.scope).toBe('');
    expect(settings.tokenEndpointAuthMethod).toBe('client_secret_basic');
  });

  it('ENPHASE_X_API_KEY is required, and checked', () => {
    expect(() => providerSettings(env, 'enphase', true)).toThrow(/ENPHASE_X_API_KEY is missing \(the enphase preset needs it\)/);
    expect(() => providerSettings({ ...env, ENPHASE_X_API_KEY: 'has spaces in it' }, 'enphase', true)).toThrow(/ENPHASE_X_API_KEY must be the API key as the provider shows it/);
  });
});
