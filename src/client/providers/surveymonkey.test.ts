import { describe, expect, it } from 'vitest';
import { surveymonkey } from './surveymonkey.js';

const hooks = surveymonkey.settings({}).hooks!;

describe('surveymonkey profileClaims: /v3/users/me', () => {
  const me = { id: '1234', username: 'testuser', first_name: 'Test', last_name: 'User', email: 'user@surveymonkey.com', email_verified: true, language: 'en' };

  it('takes the id, the names joined, the username and the e-mail with its verification', () => {
    expect(hooks.profileClaims!(me)).toEqual({ id: '1234', name: 'Test User', username: 'testuser', email: 'user@surveymonkey.com', email_verified: true });
  });

  it('names the person by the username without first and last names, and reads an e-mail not said to be verified as unverified', () => {
    expect(hooks.profileClaims!({ ...me, first_name: null, last_name: ' ', email_verified: undefined })).toEqual({ id: '1234', name: 'testuser', username: 'testuser', email: 'user@surveymonkey.com', email_verified: false });
  });

  it.each([[{ username: 'testuser' }], [{ id: '' }], [{ id: 1.5 }], [null], [[{ id: '1' }]]])('finds no one in %j', (body) => {
    expect(hooks.profileClaims!(body)).toBeUndefined();
  });
});
