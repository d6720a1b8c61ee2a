import { describe, expect, it } from 'vitest';
import { meClaims, misskey } from './misskey.js';

const settings = misskey.settings({ baseUrl: 'https://misskey.io/' });
const { profileClaims } = settings.hooks!;

describe('misskey settings: the server at its URL', () => {
  it('/oauth/authorize, /oauth/token and a POST of /api/i at the server, a public client sending the scope again, read:account, no revocation', () => {
    expect(settings).toMatchObject({
      endpoints: {
        authorizationEndpoint: 'https://misskey.io/oauth/authorize',
        tokenEndpoint: 'https://misskey.io/oauth/token',
        userinfoEndpoint: 'https://misskey.io/api/i',
      },
      scope: 'read:account',
      apiBaseUrl: 'https://misskey.io/api',
      tokenEndpointAuthMethod: 'none',
      tokenRequestsSendScope: true,
      userinfoPostJson: {},
      subjectClaim: 'id',
    });
    expect(settings.endpoints!.revocationEndpoint).toBeUndefined();
    expect(settings.hooks!.revoke).toBeUndefined();
  });
});

describe('misskey profileClaims: /api/i, the id qualified by the server', () => {
  const me = { id: '9mq0abc123', name: 'Ada Lovelace', username: 'ada', host: null, avatarUrl: 'https://misskey.io/identicon/9mq0abc123', isBot: false };

  it("takes the id as <id>@<server host>, the name and the username", () => {
    expect(profileClaims!(me)).toEqual({ id: '9mq0abc123@misskey.io', user_id: '9mq0abc123', name: 'Ada Lovelace', preferred_username: 'ada' });
  });

  it('the same id at another server is another person', () => {
    expect(meClaims('misskey.design')(me)!.id).toBe('9mq0abc123@misskey.design');
  });

  it('a person with no name (null or blank) is named by the username', () => {
    expect(profileClaims!({ ...me, name: null })).toMatchObject({ name: 'ada', preferred_username: 'ada' });
    expect(profileClaims!({ ...me, name: '  ' })).toMatchObject({ name: 'ada' });
  });

  it('an answer without an id names no one', () => {
    expect(profileClaims!({ ...me, id: '' })).toBeUndefined();
    expect(profileClaims!({ ...me, id: 42 })).toBeUndefined();
    expect(profileClaims!(null)).toBeUndefined();
    expect(profileClaims!([me])).toBeUndefined();
  });
});
