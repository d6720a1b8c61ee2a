import { describe, expect, it } from 'vitest';
import { bankid_no } from './bankid_no.js';

describe('bankid_no settings', () => {
  const settings = bankid_no.settings({});

  it('keys the account by the ID token’s bankid_altsub (BankID’s stable PID), never by sub or the national identity number', () => {
    expect(settings.idTokenSubjectClaim).toBe('bankid_altsub');
    expect(settings.scope!.split(' ')).toEqual(['openid', 'profile']);
    expect(settings.scope).not.toContain('nnin');
  });

  it('discovers the production realm, sends the client as Basic and reads the profile from the ID token alone', () => {
    expect(settings.discovery).toEqual({ issuer: 'https://auth.bankid.no/auth/realms/prod' });
    expect(settings.tokenEndpointAuthMethod).toBe('client_secret_basic');
    expect(settings.skipUserinfo).toBe(true);
    expect(settings.apiBaseUrl).toBeUndefined();
  });
});
