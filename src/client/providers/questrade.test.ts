import { describe, expect, it } from 'vitest';
import { providerSettings } from '../../config/provider-config.js';
import { questrade } from './questrade.js';

const settings = questrade.settings({});
const { profileClaims } = settings.hooks!;

describe('questrade settings', () => {
  it("signs in at login.questrade.com as a public client, its token requests in the query, asks no scope, takes each connection's API server from the token answer, and has no revocation", () => {
    expect(settings).toMatchObject({
      endpoints: {
        authorizationEndpoint: 'https://login.questrade.com/oauth2/authorize',
        tokenEndpoint: 'https://login.questrade.com/oauth2/token',
      },
      scope: '',
      tokenEndpointAuthMethod: 'none',
      tokenRequestsInQuery: true,
      pkce: false,
      connectionApiBase: { member: 'api_server', domains: ['questrade.com'], userinfoPath: '/v1/accounts' },
      subjectClaim: 'id',
    });
    expect(questrade.values).toBeUndefined();
    expect(settings.apiBaseUrl).toBeUndefined();
    expect(settings.endpoints?.userinfoEndpoint).toBeUndefined();
    expect(settings.endpoints?.revocationEndpoint).toBeUndefined();
    expect(settings.hooks?.revoke).toBeUndefined();
  });
});

describe('questrade profileClaims: the accounts of /v1/accounts', () => {
  it('takes the userId and the primary account number, not the other accounts', () => {
    expect(
      profileClaims!({
        accounts: [
          { type: 'TFSA', number: '26598146', status: 'Active', isPrimary: false, isBilling: false, clientAccountType: 'Individual' },
          { type: 'Margin', number: '26598145', status: 'Active', isPrimary: true, isBilling: true, clientAccountType: 'Individual' },
        ],
        userId: 3000124,
      }),
    ).toEqual({ id: '3000124', primary_account: '26598145' });
  });

  it('names the user without accounts, or with none primary', () => {
    expect(profileClaims!({ accounts: [], userId: 42 })).toEqual({ id: '42' });
    expect(profileClaims!({ accounts: [{ number: '1', isPrimary: false }, null], userId: 43 })).toEqual({ id: '43' });
    expect(profileClaims!({ userId: 44 })).toEqual({ id: '44' });
  });

  it.each([[{ accounts: [] }], [{ userId: '3000124' }], [{ userId: 0 }], [{ userId: 1.5 }], [{ code: 1017, message: 'Access token is invalid' }], [null], [[{ userId: 1 }]]])('finds no one in %j', (body) => {
    expect(profileClaims!(body)).toBeUndefined();
  });
});

describe('questrade in production', () => {
  const env = { QUESTRADE_PRESET: 'questrade', QUESTRADE_CLIENT_ID: 'pd7dHUQ4tXlEe2Kf0_ZpXwJXqYbTLw' };

  it('starts with the consumer key alone, as a public client', () => {
    expect(providerSettings(env, 'questrade', true)).toMatchObject({ tokenEndpointAuthMethod: 'none', clientSecret: '', tokenRequestsInQuery: true });
  });

  it('a client secret stops start-up, as nothing sends it', () => {
    expect(() => providerSettings({ ...env, QUESTRADE_CLIENT_SECRET: 'a-secret' }, 'questrade', true)).toThrow(/QUESTRADE_CLIENT_SECRET/);
  });
});
