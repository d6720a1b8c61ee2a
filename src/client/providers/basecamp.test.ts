import { describe, expect, it } from 'vitest';
import { basecamp } from './basecamp.js';

const CLIENT_ID = '0bf18204f5a28003bf7b9abb7e1db5e649d86ef4';
const settings = basecamp.settings({}, { clientId: CLIENT_ID });
const { profileClaims, revoke } = settings.hooks!;

describe('basecamp settings', () => {
  it('Launchpad for sign-in and the profile, 3.basecampapi.com for the API, no scope or PKCE, the client in the form, a fixed User-Agent naming the integration', () => {
    expect(settings).toMatchObject({
      endpoints: {
        authorizationEndpoint: 'https://launchpad.37signals.com/authorization/new',
        tokenEndpoint: 'https://launchpad.37signals.com/authorization/token',
        userinfoEndpoint: 'https://launchpad.37signals.com/authorization.json',
      },
      scope: '',
      pkce: false,
      apiBaseUrl: 'https://3.basecampapi.com',
      apiHeaders: { 'user-agent': `Tokenkeeper (Basecamp integration ${CLIENT_ID})` },
      fixedApiHeaders: ['user-agent'],
      tokenEndpointAuthMethod: 'client_secret_post',
      subjectClaim: 'id',
      omitsTokenType: true,
    });
    expect(settings.endpoints!.revocationEndpoint).toBeUndefined();
    expect(revoke).toBeUndefined();
    expect(settings.authorizationParams).toBeUndefined();
  });

  it('a client id that could break the header is left out of it', () => {
    expect(basecamp.settings({}, { clientId: 'a b\r\nx' }).apiHeaders).toEqual({ 'user-agent': 'Tokenkeeper' });
    expect(basecamp.settings({}).apiHeaders).toEqual({ 'user-agent': 'Tokenkeeper' });
  });
});

describe('basecamp profileClaims: the identity and accounts of authorization.json', () => {
  const authorization = {
    expires_at: '2026-02-16T12:00:00-06:00',
    identity: { id: 9999999, first_name: 'Jason', last_name: 'Fried', email_address: 'jason@basecamp.com' },
    accounts: [
      { product: 'bc3', id: 99999999, name: 'Honcho Design', href: 'https://3.basecampapi.com/99999999', app_href: 'https://3.basecamp.com/99999999' },
      { product: 'bcx', id: 88888888, name: 'Old Honcho', href: 'https://basecamp.com/88888888/api/v1', app_href: 'https://basecamp.com/88888888' },
    ],
  };

  it('the identity id as the subject, the names joined, the e-mail unverified, and each account with its API base', () => {
    expect(profileClaims!(authorization)).toEqual({
      id: '9999999',
      name: 'Jason Fried',
      email: 'jason@basecamp.com',
      email_verified: false,
      basecamp_accounts: authorization.accounts,
    });
  });

  it('one name, no e-mail, no accounts: only what is there', () => {
    expect(profileClaims!({ identity: { id: 5, first_name: ' Ada ', last_name: '', email_address: '' } })).toEqual({ id: '5', name: 'Ada', basecamp_accounts: [] });
  });

  it('an account without a numeric id or an API base is left out; unknown members are not kept', () => {
    const accounts = [{ id: '7', href: 'https://3.basecampapi.com/7' }, { id: 8, href: 8 }, { id: 9 }, null, { id: 10, href: 'https://3.basecampapi.com/10', secret: 'x' }];
    expect(profileClaims!({ ...authorization, accounts })!.basecamp_accounts).toEqual([{ id: 10, href: 'https://3.basecampapi.com/10' }]);
  });

  it.each([[{ ...authorization, identity: { ...authorization.identity, id: '9999999' } }], [{ ...authorization, identity: { ...authorization.identity, id: 1.5 } }], [{ ...authorization, identity: undefined }], [{ accounts: [] }], [null], [[authorization]]])(
    'finds no one in %j',
    (body) => {
      expect(profileClaims!(body)).toBeUndefined();
    },
  );
});
