import { describe, expect, it } from 'vitest';
import { html } from '../../views/html.js';
import { auditObject } from './audit-object.js';

const shown = (targetType: string | null, targetId: string | null) => html`${auditObject({ targetType, targetId })}`.toString();

describe('auditObject', () => {
  it('links each kind of object to its admin page', () => {
    expect(shown('user', '01JUSER')).toBe('user <a href="/admin/users/01JUSER">01JUSER</a>');
    expect(shown('token', '01JTOKEN')).toBe('token <a href="/admin/tokens/01JTOKEN">01JTOKEN</a>');
    expect(shown('service_key', '01JKEY')).toBe('service_key <a href="/admin/services/01JKEY">01JKEY</a>');
    expect(shown('webhook_delivery', '01JMSG')).toBe('webhook_delivery <a href="/admin/webhooks/01JMSG">01JMSG</a>');
  });

  it('links a token event\'s connection (<user id>:<provider>) to the user\'s page', () => {
    expect(shown('token', '01JUSER:github')).toBe('token <a href="/admin/users/01JUSER">01JUSER:github</a>');
  });

  it('leaves other objects as text, and escapes what it shows', () => {
    expect(shown('audit', '01JENTRY')).toBe('audit 01JENTRY');
    expect(shown(null, null)).toBe('');
    expect(shown('user', '<b>"x"</b>')).toBe('user <a href="/admin/users/%3Cb%3E%22x%22%3C%2Fb%3E">&lt;b&gt;&quot;x&quot;&lt;/b&gt;</a>');
    expect(shown('other', '<b>')).toBe('other &lt;b&gt;');
  });
});
