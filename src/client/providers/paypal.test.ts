import { describe, expect, it } from 'vitest';
import { paypal } from './paypal.js';

const hooks = paypal.settings({}).hooks!;

const USERINFO = {
  user_id: 'https://www.paypal.com/webapps/auth/identity/user/mWq6_1sU85v5EG9yHdPxJRrhGHrnMJ-1PQKtX6pcsmA',
  name: 'Ada Lovelace',
  given_name: 'Ada',
  family_name: 'Lovelace',
  payer_id: 'WDJJHEBZ4X2LY',
  verified_account: true,
  emails: [
    { value: 'old@acme.test', primary: false, confirmed: true },
    { value: 'ada@acme.test', primary: true, confirmed: false },
  ],
};

describe('PayPal preset', () => {
  it('reads the primary address of emails[] as the e-mail, its confirmed as email_verified, and keeps the rest', () => {
    expect(hooks.profileClaims!(USERINFO)).toEqual({ ...USERINFO, email: 'ada@acme.test', email_verified: false });
    const confirmed = { ...USERINFO, emails: [{ value: 'ada@acme.test', primary: true, confirmed: true }] };
    expect(hooks.profileClaims!(confirmed)).toMatchObject({ email: 'ada@acme.test', email_verified: true });
  });

  it('names no e-mail without a primary address, whatever else the answer says', () => {
    const claims = hooks.profileClaims!({ ...USERINFO, email: 'top@acme.test', email_verified: true, emails: [{ value: 'old@acme.test', primary: false, confirmed: true }] })!;
    expect(claims).not.toHaveProperty('email');
    expect(claims).not.toHaveProperty('email_verified');
    expect(claims.user_id).toBe(USERINFO.user_id);
    expect(hooks.profileClaims!({ ...USERINFO, emails: [] })).not.toHaveProperty('email');
  });

  it('keeps the e-mail of an answer without emails[] (the openid schema) as it is', () => {
    const { emails: _none, ...openid } = { ...USERINFO, email: 'ada@acme.test', email_verified: true };
    expect(hooks.profileClaims!(openid)).toEqual(openid);
  });

  it('leaves the verification unknown where the primary address says nothing of it', () => {
    const claims = hooks.profileClaims!({ ...USERINFO, emails: [{ value: 'ada@acme.test', primary: true }] })!;
    expect(claims.email).toBe('ada@acme.test');
    expect(claims).not.toHaveProperty('email_verified');
  });

  it('reads no one from an answer that is not an object', () => {
    expect(hooks.profileClaims!(null)).toBeUndefined();
    expect(hooks.profileClaims!([USERINFO])).toBeUndefined();
  });
});
