import { describe, expect, it } from 'vitest';
import { redactUrl } from './logger.js';

describe('logged request URLs', () => {
  it('replace the callback code and state, keep the rest', () => {
    const logged = redactUrl('/auth/toolkit/callback?code=SECRETCODE&state=SECRETSTATE&iss=http%3A%2F%2Flocalhost%3A4000');
    expect(logged).not.toContain('SECRETCODE');
    expect(logged).not.toContain('SECRETSTATE');
    expect(logged).toContain('iss=http');
    expect(redactUrl('/account')).toBe('/account');
  });
});
