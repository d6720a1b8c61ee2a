import { describe, expect, it } from 'vitest';
import { docusign } from './docusign.js';

const hooks = docusign.settings({}).hooks!;

const ACCOUNT = { account_id: 'a4ec37d6-04b4-4b1e-a6d4-143885c1e6b0', is_default: true, account_name: 'Acme Legal', base_uri: 'https://na3.docusign.net' };
const OTHER = { account_id: '9d1c4a2e-5f6b-4c7d-8e9f-0a1b2c3d4e5f', is_default: false, account_name: 'Acme Demo', base_uri: 'https://demo.docusign.net' };
const USERINFO = { sub: '4799e5e9-1559-4915-9862-cf4713bbcacc', name: 'Ada Lovelace', email: 'ada@acme.test', accounts: [OTHER, ACCOUNT] };

describe('DocuSign preset', () => {
  it('reads the default account beside the person, and its eSignature REST API base', () => {
    expect(hooks.profileClaims!(USERINFO)).toEqual({
      ...USERINFO,
      account_id: ACCOUNT.account_id,
      account_name: 'Acme Legal',
      base_uri: 'https://na3.docusign.net',
      api_base: `https://na3.docusign.net/restapi/v2.1/accounts/${ACCOUNT.account_id}`,
    });
  });

  it.each([
    ['no accounts', { ...USERINFO, accounts: [] }],
    ['no default account', { ...USERINFO, accounts: [OTHER] }],
    ['two default accounts', { ...USERINFO, accounts: [ACCOUNT, { ...OTHER, is_default: true }] }],
    ['an account id that is a dot-segment', { ...USERINFO, accounts: [{ ...ACCOUNT, account_id: '..' }] }],
    ['an account id with a slash', { ...USERINFO, accounts: [{ ...ACCOUNT, account_id: 'a/../../b' }] }],
    ['no base_uri', { ...USERINFO, accounts: [{ ...ACCOUNT, base_uri: undefined }] }],
  ])('names no API base for %s (the sign-in then fails), and keeps the person', (_name, body) => {
    const claims = hooks.profileClaims!(body)!;
    expect(claims).not.toHaveProperty('api_base');
    expect(claims.sub).toBe(USERINFO.sub);
  });

  it('reads no one from an answer that is not an object', () => {
    expect(hooks.profileClaims!(null)).toBeUndefined();
    expect(hooks.profileClaims!([USERINFO])).toBeUndefined();
  });
});
