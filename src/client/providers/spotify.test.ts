import { describe, expect, it } from 'vitest';
import { spotify } from './spotify.js';

const profileClaims = spotify.settings({}).hooks!.profileClaims!;

describe('spotify profileClaims: the e-mail is never verified', () => {
  it('marks an e-mail unverified', () => {
    expect(profileClaims({ id: 'wizzler', display_name: 'Wizzler', email: 'w@spotify.test' })).toEqual({ id: 'wizzler', display_name: 'Wizzler', email: 'w@spotify.test', email_verified: false });
  });

  it('says nothing of verification without an e-mail (no user-read-email scope)', () => {
    expect(profileClaims({ id: 'wizzler' })).toEqual({ id: 'wizzler' });
    expect(profileClaims({ id: 'wizzler', email: '' })).not.toHaveProperty('email_verified');
  });

  it('finds no profile in what is not an object', () => {
    expect(profileClaims(null)).toBeUndefined();
    expect(profileClaims([{ id: 'wizzler' }])).toBeUndefined();
  });
});
