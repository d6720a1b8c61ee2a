import { describe, expect, it } from 'vitest';
import { harvest } from './harvest.js';

const CLIENT_ID = 'Wl3h0r4KKNhfOsmPJw7bX1yQ';
const settings = harvest.settings({}, { clientId: CLIENT_ID });
const { profileClaims, revoke } = settings.hooks!;

describe('harvest settings', () => {
  it('Harvest ID for sign-in and the profile, api.harvestapp.com/v2 for the API, no scope or PKCE, the client in the form, a fixed User-Agent naming the application, the account header passed on', () => {
    expect(settings).toMatchObject({
      endpoints: {
        authorizationEndpoint: 'https://id.getharvest.com/oauth2/authorize',
        tokenEndpoint: 'https://id.getharvest.com/api/v2/oauth2/token',
        userinfoEndpoint: 'https://id.getharvest.com/api/v2/accounts',
      },
      scope: '',
      pkce: false,
      apiBaseUrl: 'https://api.harvestapp.com/v2',
      apiHeaders: { 'user-agent': `Tokenkeeper (Harvest OAuth2 application ${CLIENT_ID})` },
      fixedApiHeaders: ['user-agent'],
      proxyHeaders: { request: ['harvest-account-id'], response: [] },
      tokenEndpointAuthMethod: 'client_secret_post',
      subjectClaim: 'id',
    });
    expect(harvest.values).toEqual({ userAgent: 'optional' });
    expect(settings.endpoints!.revocationEndpoint).toBeUndefined();
    expect(revoke).toBeUndefined();
  });

  it('<NAME>_USER_AGENT replaces the User-Agent; a client id that could break the header is left out of it', () => {
    expect(harvest.settings({ userAgent: 'Acme Reports (support@acme.example)' }, { clientId: CLIENT_ID }).apiHeaders).toEqual({ 'user-agent': 'Acme Reports (support@acme.example)' });
    expect(harvest.settings({}, { clientId: 'a b\r\nx' }).apiHeaders).toEqual({ 'user-agent': 'Tokenkeeper' });
    expect(harvest.settings({}).apiHeaders).toEqual({ 'user-agent': 'Tokenkeeper' });
  });
});

describe('harvest profileClaims: the user and accounts of /api/v2/accounts', () => {
  const answer = {
    user: { id: 1000001, first_name: 'Jane', last_name: 'Doe', email: 'jane@example.com' },
    accounts: [
      { id: 123456, name: 'Acme Corp', product: 'harvest', google_sign_in_required: false },
      { id: 654321, name: 'Acme Corp', product: 'forecast' },
    ],
  };

  it("the Harvest ID's id as the subject, the names, the e-mail unverified, and each account's id, name and product", () => {
    expect(profileClaims!(answer)).toEqual({
      id: '1000001',
      name: 'Jane Doe',
      given_name: 'Jane',
      family_name: 'Doe',
      email: 'jane@example.com',
      email_verified: false,
      harvest_accounts: [
        { id: 123456, name: 'Acme Corp', product: 'harvest' },
        { id: 654321, name: 'Acme Corp', product: 'forecast' },
      ],
    });
  });

  it('one name, no e-mail, no accounts: only what is there; an account without a whole-number id is left out', () => {
    expect(profileClaims!({ user: { id: 5, first_name: ' Ada ', last_name: '', email: '' } })).toEqual({ id: '5', name: 'Ada', given_name: 'Ada', harvest_accounts: [] });
    expect(profileClaims!({ user: { id: 6 }, accounts: [{ id: '7', name: 'Text id' }, { name: 'No id' }, null, { id: 8 }] })).toEqual({ id: '6', harvest_accounts: [{ id: 8 }] });
  });

  it.each([[{ user: { id: '1000001' } }], [{ user: { id: 0 } }], [{ user: { id: 1.5 } }], [{ accounts: [] }], [{ error: 'invalid_token' }], [null], [[answer]]])('finds no one in %j', (body) => {
    expect(profileClaims!(body)).toBeUndefined();
  });
});
