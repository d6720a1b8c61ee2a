import { describe, expect, it } from 'vitest';
import { cronofy } from './cronofy.js';

const { profileClaims } = cronofy.settings({}).hooks!;

describe("cronofy profileClaims: /v1/userinfo's account, without its calendars", () => {
  it('keeps sub, e-mail, name, zoneinfo and cronofy.type, and leaves out cronofy.data', () => {
    const userinfo = {
      sub: 'acc_5700a00eb0ccd07000000000',
      email: 'janed@company.com',
      name: 'Jane Doe',
      zoneinfo: 'Europe/London',
      'cronofy.type': 'account',
      'cronofy.data': { authorization: { scope: 'read_events', status: 'active' }, profiles: [{ profile_id: 'pro_n23kjnwrw2', profile_calendars: [] }] },
    };
    expect(profileClaims!(userinfo)).toEqual({ sub: 'acc_5700a00eb0ccd07000000000', email: 'janed@company.com', name: 'Jane Doe', zoneinfo: 'Europe/London', 'cronofy.type': 'account' });
  });

  it('a name that is null or blank, as Cronofy allows, is no name', () => {
    expect(profileClaims!({ sub: 'acc_1', name: null, email: 'a@example.com' })).toEqual({ sub: 'acc_1', email: 'a@example.com' });
    expect(profileClaims!({ sub: 'acc_1', name: '   ' })).toEqual({ sub: 'acc_1' });
    expect(profileClaims!({ sub: 'acc_1', name: ' Jane Doe ' })).toEqual({ sub: 'acc_1', name: 'Jane Doe' });
  });

  it.each([[{ email: 'a@example.com' }], [{ sub: '' }], [{ sub: 42 }], [null], [[]], ['text']])('finds no account in %j', (body) => {
    expect(profileClaims!(body)).toBeUndefined();
  });
});
