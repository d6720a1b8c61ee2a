import { describe, expect, it } from 'vitest';
import type { AuditEvent } from '../../../db/audit.repository.js';
import { html } from '../../views/html.js';
import { KnownObjects } from '../../../db/known-objects.js';
import { auditActor, auditObject, idsNamedBy, nameAuditEntries } from './audit-object.js';

const event = (fields: Partial<AuditEvent>): AuditEvent => ({ id: '01JENTRY', event: 'test', actorUserId: null, targetType: null, targetId: null, ip: null, detail: null, at: 0, ...fields });

const known = new KnownObjects([
  { kind: 'user', id: '01JALICE', name: 'alice' },
  { kind: 'user', id: '<b>"x"</b>', name: '<i>mallory</i>' },
  { kind: 'token', id: '01JTOKEN', name: 'github' },
  { kind: 'service_key', id: '01JKEY', name: 'crm' },
  { kind: 'webhook_delivery', id: '01JMSG', name: 'connection.revoked' },
]);

const shown = (fields: Partial<AuditEvent>) => {
  const [entry] = nameAuditEntries([event(fields)], known);
  return { actor: html`${auditActor(entry!)}`.toString(), object: html`${auditObject(entry!)}`.toString() };
};

describe('audit entries as the admin pages show them', () => {
  it('shows the actor by username, linked to their page; by id, as text, once they are deleted; a dash when no user acted', () => {
    expect(shown({ actorUserId: '01JALICE' }).actor).toBe('<a href="/admin/users/01JALICE">alice</a>');
    expect(shown({ actorUserId: '01JGONE' }).actor).toBe('01JGONE');
    expect(shown({}).actor).toBe('—');
  });

  it('links each kind of object to its admin page while it exists', () => {
    expect(shown({ targetType: 'user', targetId: '01JALICE' }).object).toBe('user <a href="/admin/users/01JALICE">alice</a>');
    expect(shown({ targetType: 'token', targetId: '01JTOKEN' }).object).toBe('token <a href="/admin/tokens/01JTOKEN">01JTOKEN</a>');
    expect(shown({ targetType: 'service_key', targetId: '01JKEY' }).object).toBe('service_key <a href="/admin/services/01JKEY">crm</a>');
    expect(shown({ targetType: 'webhook_delivery', targetId: '01JMSG' }).object).toBe('webhook_delivery <a href="/admin/webhooks/01JMSG">01JMSG</a>');
  });

  it("links a token event's connection (<user id>:<provider>) to the user's page", () => {
    expect(shown({ targetType: 'token', targetId: '01JALICE:github' }).object).toBe('token <a href="/admin/users/01JALICE">alice:github</a>');
  });

  it('shows an object deleted since as its id, without a link to a page that would answer 404', () => {
    expect(shown({ targetType: 'user', targetId: '01JGONE' }).object).toBe('user 01JGONE');
    expect(shown({ targetType: 'token', targetId: '01JGONE' }).object).toBe('token 01JGONE');
    expect(shown({ targetType: 'token', targetId: '01JGONE:github' }).object).toBe('token 01JGONE:github');
    expect(shown({ targetType: 'service_key', targetId: '01JGONE' }).object).toBe('service_key 01JGONE');
    expect(shown({ targetType: 'webhook_delivery', targetId: '01JGONE' }).object).toBe('webhook_delivery 01JGONE');
  });

  it('leaves other objects as text, and escapes what it shows', () => {
    expect(shown({ targetType: 'audit', targetId: '01JENTRY' }).object).toBe('audit 01JENTRY');
    expect(shown({ targetType: 'constructor', targetId: 'x' }).object).toBe('constructor x');
    expect(shown({}).object).toBe('');
    expect(shown({ targetType: 'user', targetId: '<b>"x"</b>' }).object).toBe('user <a href="/admin/users/%3Cb%3E%22x%22%3C%2Fb%3E">&lt;i&gt;mallory&lt;/i&gt;</a>');
    expect(shown({ targetType: 'other', targetId: '<b>' }).object).toBe('other &lt;b&gt;');
    expect(shown({ actorUserId: '<b>' }).actor).toBe('&lt;b&gt;');
  });

  it('asks for each user, token, key and delivery the entries name (a connection by its user)', () => {
    const ids = idsNamedBy([
      event({ actorUserId: '01JALICE', targetType: 'user', targetId: '01JBOB' }),
      event({ actorUserId: '01JADMIN', targetType: 'token', targetId: '01JCAROL:github' }),
      event({ targetType: 'token', targetId: '01JTOKEN' }),
      event({ targetType: 'service_key', targetId: '01JKEY' }),
      event({ targetType: 'webhook_delivery', targetId: '01JMSG' }),
      event({ targetType: 'audit', targetId: '01JENTRY' }),
    ]);
    expect(ids).toEqual({ user: ['01JALICE', '01JBOB', '01JADMIN', '01JCAROL'], token: ['01JTOKEN'], service_key: ['01JKEY'], webhook_delivery: ['01JMSG'] });
  });
});
