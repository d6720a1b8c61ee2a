import { describe, expect, it } from 'vitest';
import { patreon } from './patreon.js';

const { profileClaims } = patreon.settings({}).hooks!;

describe('Patreon preset', () => {
  it('reads the person from the JSON:API user of /identity: its attributes beside its id, is_email_verified as email_verified', () => {
    const body = { data: { id: '12345', type: 'user', attributes: { email: 'ada@example.com', full_name: 'Ada Lovelace', is_email_verified: false } }, links: { self: 'https://www.patreon.com/api/oauth2/v2/user/12345' } };
    expect(profileClaims!(body)).toEqual({ id: '12345', email: 'ada@example.com', full_name: 'Ada Lovelace', is_email_verified: false, email_verified: false });
    expect(profileClaims!({ data: { id: '12345', type: 'user', attributes: { full_name: 'No Email' } } })).toEqual({ id: '12345', full_name: 'No Email' });
  });

  it('keeps the user id over an attribute of that name, and names no one from an answer without a user', () => {
    expect(profileClaims!({ data: { id: '12345', type: 'user', attributes: { id: 'other' } } })).toMatchObject({ id: '12345' });
    expect(profileClaims!({ errors: [{ status: '401', title: 'Unauthorized' }] })).toBeUndefined();
    expect(profileClaims!({ data: { id: '', type: 'user', attributes: {} } })).toBeUndefined();
    expect(profileClaims!({ data: { id: 12345, type: 'user' } })).toBeUndefined();
    expect(profileClaims!({ data: { id: '9', type: 'campaign', attributes: {} } })).toBeUndefined();
    expect(profileClaims!({ data: [] })).toBeUndefined();
    expect(profileClaims!(null)).toBeUndefined();
  });
});
