import { describe, expect, it } from 'vitest';
import { pandadoc } from './pandadoc.js';

const { profileClaims } = pandadoc.settings({}).hooks!;

describe('pandadoc profileClaims: /public/v1/members/current/', () => {
  it('takes user_id, the names, the e-mail with its verification and the workspace, and leaves the per-workspace membership_id out', () => {
    expect(
      profileClaims!({
        user_id: 'uXkbQ7rT2mWc9pLs4eVd',
        membership_id: 'mZqaN5vY8hJk3tRf6gB',
        email: 'ada@example.com',
        first_name: 'Ada',
        last_name: 'Lovelace',
        is_active: true,
        workspace: 'vWk7sPQ3nGfX2bT9aRcE4m',
        workspace_name: 'Acme Sales',
        email_verified: true,
        role: 'Admin',
      }),
    ).toEqual({
      user_id: 'uXkbQ7rT2mWc9pLs4eVd',
      given_name: 'Ada',
      family_name: 'Lovelace',
      email: 'ada@example.com',
      email_verified: true,
      workspace: 'vWk7sPQ3nGfX2bT9aRcE4m',
      workspace_name: 'Acme Sales',
    });
  });

  it('keeps an unverified e-mail as such, and says nothing of verification when PandaDoc does not', () => {
    expect(profileClaims!({ user_id: 'u1', email: 'a@b.c', email_verified: false })).toEqual({ user_id: 'u1', email: 'a@b.c', email_verified: false });
    expect(profileClaims!({ user_id: 'u1', email: 'a@b.c' })).toEqual({ user_id: 'u1', email: 'a@b.c' });
  });

  it('leaves out empty names, e-mail and workspace, and the verification of no e-mail', () => {
    expect(profileClaims!({ user_id: 'u2', first_name: ' ', last_name: 'Solo', email: '', email_verified: true, workspace: '' })).toEqual({ user_id: 'u2', family_name: 'Solo' });
  });

  it.each([[{ email: 'a@b.c' }], [{ user_id: 42 }], [{ user_id: ' ' }], [null], [[{ user_id: 'u1' }]]])('finds no one in %j', (body) => {
    expect(profileClaims!(body)).toBeUndefined();
  });
});
