import { describe, expect, it } from 'vitest';
import { sentry } from './sentry.js';

const { tokenResponseProfile } = sentry.settings({}).hooks!;

describe("sentry tokenResponseProfile: the token answer's user", () => {
  const tokens = { access_token: 'a', refresh_token: 'r', expires_in: 2591999, token_type: 'bearer', scope: 'org:read' };

  it('takes user.id, name and email, and none of the tokens', () => {
    expect(tokenResponseProfile!({ ...tokens, user: { id: '123', name: 'Jane Doe', email: 'jane@example.com' } })).toEqual({ id: '123', name: 'Jane Doe', email: 'jane@example.com' });
  });

  it('leaves out an empty name or e-mail', () => {
    expect(tokenResponseProfile!({ ...tokens, user: { id: '7', name: ' ', email: '' } })).toEqual({ id: '7' });
  });

  it.each([[{}], [{ user: null }], [{ user: { id: 123 } }], [{ user: { id: '' } }], [{ user: [{ id: '1' }] }], [{ id: '1' }]])('finds no one in %j', (answer) => {
    expect(tokenResponseProfile!({ ...tokens, ...answer })).toBeUndefined();
  });
});
