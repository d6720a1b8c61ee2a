import { describe, expect, it } from 'vitest';
import { azure_ad_b2c } from './azure_ad_b2c.js';

const settings = azure_ad_b2c.settings({ tenant: 'contoso', policy: 'B2C_1_signupsignin' }, { clientId: 'client-1' });
const { tokenAnswerClaims } = settings.hooks!;

/** An unsigned JWT with these claims: the hook reads the payload of a token openid-client has already checked. */
const idToken = (claims: unknown) => `${Buffer.from('{"alg":"RS256"}').toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.c2ln`;

describe('azure_ad_b2c tokenAnswerClaims: the e-mail of a user flow’s ID token', () => {
  it('is the first of emails', () => {
    expect(tokenAnswerClaims!({ access_token: 'at', id_token: idToken({ sub: 'oid-1', emails: ['ada@example.com', 'ada@work.example'] }) })).toEqual({ email: 'ada@example.com' });
    expect(tokenAnswerClaims!({ id_token: idToken({ emails: ['', 7, 'grace@example.com'] }) })).toEqual({ email: 'grace@example.com' });
  });

  it.each([
    ['no emails', { id_token: idToken({ sub: 'oid-1' }) }],
    ['an empty list', { id_token: idToken({ emails: [] }) }],
    ['emails that is not a list', { id_token: idToken({ emails: 'ada@example.com' }) }],
    ['no ID token', { access_token: 'at' }],
    ['an ID token whose payload is not JSON', { id_token: 'e30.bm90IGpzb24.c2ln' }],
    ['an ID token of one part', { id_token: 'opaque' }],
  ])('is none for %s', (_, answer) => {
    expect(tokenAnswerClaims!(answer)).toEqual({});
  });
});
