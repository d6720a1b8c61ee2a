import { describe, expect, it } from 'vitest';
import { epic_games } from './epic_games.js';

const settings = epic_games.settings({});
const { tokenResponseProfile } = settings.hooks!;

describe('epic_games settings', () => {
  it('names Epic’s authorization page and api.epicgames.dev’s token and RFC 7009 revocation endpoints, asks basic_profile without PKCE, sends the client as plain Basic, and reads no profile', () => {
    expect(settings).toMatchObject({
      endpoints: {
        authorizationEndpoint: 'https://www.epicgames.com/id/authorize',
        tokenEndpoint: 'https://api.epicgames.dev/epic/oauth/v2/token',
        revocationEndpoint: 'https://api.epicgames.dev/epic/oauth/v2/revoke',
      },
      apiBaseUrl: 'https://api.epicgames.dev/epic',
      scope: 'basic_profile',
      tokenEndpointAuthMethod: 'client_secret_basic',
      basicCredentials: 'plain',
      pkce: false,
      subjectClaim: 'account_id',
    });
    expect(settings.endpoints?.userinfoEndpoint).toBeUndefined();
    expect(settings.hooks?.revoke).toBeUndefined();
    expect(epic_games.values).toBeUndefined();
  });
});

describe('epic_games tokenResponseProfile: the account_id of the token answer', () => {
  it('takes the Epic Account ID and nothing of the tokens', () => {
    expect(tokenResponseProfile!({ access_token: 'eg1~a', refresh_token: 'eg1~r', account_id: '8a41c3f0b29d4e7e9c15a0d2f6b70101', client_id: 'xyz', scope: 'basic_profile' })).toEqual({ account_id: '8a41c3f0b29d4e7e9c15a0d2f6b70101' });
  });

  it.each([[{ access_token: 'a' }], [{ account_id: '' }], [{ account_id: 'AdaPlays' }], [{ account_id: '8a41c3f0b29d4e7e9c15a0d2f6b7010' }], [{ account_id: 42 }], [{ account_id: null }]])('finds no one in %j', (answer) => {
    expect(tokenResponseProfile!(answer)).toBeUndefined();
  });
});
