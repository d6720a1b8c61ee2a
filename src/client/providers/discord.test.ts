import { describe, expect, it } from 'vitest';
import { discord } from './discord.js';

const profileClaims = discord.settings({}).hooks!.profileClaims!;

describe('discord profileClaims: `verified` qualifies the e-mail', () => {
  it('reads verified as email_verified when there is an e-mail', () => {
    expect(profileClaims({ id: '80351110224678912', email: 'ada@acme.test', verified: true })).toEqual({ id: '80351110224678912', email: 'ada@acme.test', verified: true, email_verified: true });
    expect(profileClaims({ id: '1', email: 'ada@acme.test', verified: false })).toMatchObject({ email_verified: false });
  });

  it('says nothing of verification without an e-mail (the identify scope alone)', () => {
    expect(profileClaims({ id: '1', verified: true })).toEqual({ id: '1', verified: true });
    expect(profileClaims({ id: '1', email: '', verified: true })).not.toHaveProperty('email_verified');
  });

  it('finds no profile in what is not an object', () => {
    expect(profileClaims(null)).toBeUndefined();
    expect(profileClaims([{ id: '1' }])).toBeUndefined();
  });
});
