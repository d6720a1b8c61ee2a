import { describe, expect, it } from 'vitest';
import { quip } from './quip.js';

const settings = quip.settings({});
const { profileClaims } = settings.hooks!;

describe('quip profileClaims: /1/users/current', () => {
  it('takes the id as it is, the name and the first of the e-mails, and nothing of the folders', () => {
    expect(profileClaims!({ id: 'UTUAEAiZl6B', name: 'Jane Doe', is_robot: false, company_id: 'IMbAcASGu56', emails: ['jane@example1.com', 'jane@example2.com'], desktop_folder_id: 'AGWAOAhT3qk' }))
      .toEqual({ id: 'UTUAEAiZl6B', name: 'Jane Doe', email: 'jane@example1.com' });
  });

  it('skips e-mails that are not text, and claims no e-mail or name it is not given', () => {
    expect(profileClaims!({ id: 'UTUAEAiZl6B', name: ' ', emails: [' ', 7, ' second@example.com '] })).toEqual({ id: 'UTUAEAiZl6B', email: 'second@example.com' });
    expect(profileClaims!({ id: 'UTUAEAiZl6B', emails: 'jane@example.com' })).toEqual({ id: 'UTUAEAiZl6B' });
  });

  it.each([[{ name: 'No Id', emails: ['x@example.com'] }], [{ id: 12345 }], [{ id: '  ' }], [{ user: { id: 'UTUAEAiZl6B' } }], [null], ['UTUAEAiZl6B']])('finds no one in %j', (body) => {
    expect(profileClaims!(body)).toBeUndefined();
  });
});

describe('quip settings', () => {
  it('asks no scope, sends the client in the form and no PKCE, revokes at /1/oauth/revoke, and names the person by id', () => {
    expect(settings).toMatchObject({
      scope: '',
      tokenEndpointAuthMethod: 'client_secret_post',
      pkce: false,
      subjectClaim: 'id',
      apiBaseUrl: 'https://platform.quip.com',
      endpoints: { revocationEndpoint: 'https://platform.quip.com/1/oauth/revoke' },
    });
  });
});
