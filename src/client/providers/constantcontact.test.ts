import { describe, expect, it } from 'vitest';
import { constantcontact } from './constantcontact.js';

const settings = constantcontact.settings({});
const { profileClaims } = settings.hooks!;

describe('constantcontact profileClaims: the account summary of /v3/account/summary', () => {
  const summary = {
    contact_email: 'dlang@example.com',
    contact_phone: '5555555555',
    country_code: 'US',
    encoded_account_id: 'a07e1ikxyomhd4la0o9',
    first_name: 'Debora',
    last_name: 'Lang',
    organization_name: 'Lang Cleaning',
    time_zone_id: 'US/Eastern',
  };

  it('keeps the account id, the names, the contact e-mail and the organization, and makes the name', () => {
    expect(profileClaims!(summary)).toEqual({
      encoded_account_id: 'a07e1ikxyomhd4la0o9',
      first_name: 'Debora',
      last_name: 'Lang',
      contact_email: 'dlang@example.com',
      organization_name: 'Lang Cleaning',
      name: 'Debora Lang',
    });
  });

  it('leaves out what is empty: a first name alone is the name, no names no name', () => {
    expect(profileClaims!({ encoded_account_id: 'a1', first_name: ' Debora ', last_name: '' })).toEqual({ encoded_account_id: 'a1', first_name: 'Debora', name: 'Debora' });
    expect(profileClaims!({ encoded_account_id: 'a1', contact_email: 'x@example.com' })).toEqual({ encoded_account_id: 'a1', contact_email: 'x@example.com' });
  });

  it.each([[{ first_name: 'No Id' }], [{ encoded_account_id: 42 }], [{ encoded_account_id: ' ' }], [[summary]], [null], ['summary']])('finds no one in %j', (body) => {
    expect(profileClaims!(body)).toBeUndefined();
  });

  it('reads the subject and the e-mail from those members, and keeps an unused refresh token alive for its 180 days', () => {
    expect(settings).toMatchObject({ subjectClaim: 'encoded_account_id', claimNames: { name: 'name', email: 'contact_email' }, refreshTokenIdleSeconds: 180 * 86_400 });
  });
});
