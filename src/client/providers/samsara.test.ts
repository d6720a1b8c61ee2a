import { describe, expect, it } from 'vitest';
import { samsara } from './samsara.js';

const settings = samsara.settings({});
const { profileClaims } = settings.hooks!;

describe('samsara profileClaims: the organization inside /me’s { data }', () => {
  it('reads the organization’s id and name, and nothing of its carrier settings', () => {
    const data = { id: '1234', name: ' Acme Freight ', carrierSettings: { carrierName: 'Acme Inc.', dotNumber: 98231, mainOfficeAddress: '1234 Main St.' } };
    expect(profileClaims!({ data })).toEqual({ id: '1234', name: 'Acme Freight' });
  });

  it('leaves out a blank name', () => {
    expect(profileClaims!({ data: { id: '77', name: '  ' } })).toEqual({ id: '77' });
    expect(profileClaims!({ data: { id: '78' } })).toEqual({ id: '78' });
  });

  it('names no one without a text id, or when the organization is not inside `data`', () => {
    expect(profileClaims!({ data: { name: 'Acme' } })).toBeUndefined();
    expect(profileClaims!({ data: { id: 1234 } })).toBeUndefined();
    expect(profileClaims!({ data: { id: ' ' } })).toBeUndefined();
    expect(profileClaims!({ id: '1234', name: 'Acme' })).toBeUndefined();
    expect(profileClaims!(null)).toBeUndefined();
  });
});

describe('samsara settings', () => {
  it('asks no scope, sends no PKCE and authenticates the client by HTTP Basic, its id and secret base64-encoded as they are', () => {
    expect(settings).toMatchObject({ scope: '', pkce: false, tokenEndpointAuthMethod: 'client_secret_basic', basicCredentials: 'plain', subjectClaim: 'id', apiBaseUrl: 'https://api.samsara.com' });
  });
});
