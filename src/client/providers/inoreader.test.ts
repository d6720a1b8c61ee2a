import { describe, expect, it } from 'vitest';
import { inoreader } from './inoreader.js';

const settings = inoreader.settings({});
const { tokenRequest, profileClaims } = settings.hooks!;

describe('inoreader tokenRequest: the empty scope of the sample code exchange', () => {
  const sent = (members: Record<string, string>) => new URLSearchParams(tokenRequest!({ body: new URLSearchParams(members), headers: { 'content-type': 'application/x-www-form-urlencoded' } }).body);

  it('adds an empty scope to the code exchange, keeping the rest as it is', () => {
    const form = sent({ grant_type: 'authorization_code', code: 'c0de', redirect_uri: 'https://app.example/cb', client_id: '1000001', client_secret: 's' });
    expect(form.get('scope')).toBe('');
    expect(Object.fromEntries(form)).toMatchObject({ grant_type: 'authorization_code', code: 'c0de', redirect_uri: 'https://app.example/cb', client_id: '1000001', client_secret: 's' });
  });

  it('leaves a refresh, and a scope already there, alone', () => {
    expect(sent({ grant_type: 'refresh_token', refresh_token: 'r' }).has('scope')).toBe(false);
    expect(sent({ grant_type: 'authorization_code', code: 'c', scope: 'read' }).get('scope')).toBe('read');
  });

  it('keeps the headers it is given', () => {
    expect(tokenRequest!({ body: new URLSearchParams({ grant_type: 'refresh_token' }), headers: { accept: 'application/json' } }).headers).toEqual({ accept: 'application/json' });
  });
});

describe('inoreader profileClaims: /user-info', () => {
  const answer = { userId: '1001921515', userName: 'BenderIsGreat', userProfileId: '1001921515', userEmail: 'bender@inoreader.com', isBloggerUser: true, signupTimeSec: 1163850013, isMultiLoginEnabled: false };

  it('takes userId as the subject, userName as the name and userEmail', () => {
    expect(profileClaims!(answer)).toEqual({ userId: '1001921515', name: 'BenderIsGreat', email: 'bender@inoreader.com' });
  });

  it('takes a numeric userId as its digits, and leaves out an empty name or e-mail', () => {
    expect(profileClaims!({ ...answer, userId: 1001921515, userName: ' ', userEmail: '' })).toEqual({ userId: '1001921515' });
  });

  it.each([[{ ...answer, userId: '' }], [{ ...answer, userId: 'bender' }], [{ ...answer, userId: 0 }], [{ ...answer, userId: 1.5 }], [{ userName: 'No Id' }], [null], [[answer]]])('finds no one in %j', (body) => {
    expect(profileClaims!(body)).toBeUndefined();
  });
});

describe('inoreader settings', () => {
  it('asks read, sends the client in the form, no PKCE, and has no revocation', () => {
    expect(settings).toMatchObject({ scope: 'read', tokenEndpointAuthMethod: 'client_secret_post', pkce: false, subjectClaim: 'userId' });
    expect(settings.hooks?.revoke).toBeUndefined();
    expect(settings.endpoints?.revocationEndpoint).toBeUndefined();
  });
});
