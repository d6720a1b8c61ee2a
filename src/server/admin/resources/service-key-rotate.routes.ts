import type { FastifyInstance } from 'fastify';
import { TokenkeeperError } from '../../../client/errors.js';
import { graceCutShortNote, rotateServiceKey, secretVersion, type ServiceKey } from '../../../core/service-keys.js';
import type { Tokenkeeper } from '../../../core/tokenkeeper.js';
import { findServiceKeyById, type ServiceKeyRecord } from '../../../db/service-key.repository.js';
import { absoluteTime } from '../../views/format.js';
import { html, type SafeHtml } from '../../views/html.js';
import { AdminRefusal } from '../admin-errors.js';
import { page } from '../admin-page.js';
import { auditServiceKeyAction, keyShownOncePage, superuserFor } from './service-key-create.routes.js';

/** At most 30 days, as `tokenkeeper services rotate --grace-seconds`. */
const MAX_GRACE_SECONDS = 30 * 86_400;

const rotatePath = (key: ServiceKey) => `/admin/services/${encodeURIComponent(key.id)}/rotate`;

/**
 * The rotation form on a key's page (superusers only): what it does is said beside the button, as it is shown once.
 * It names the secret it was shown for, so that posting it again rotates nothing (see secretVersion).
 */
export function rotateForm(key: ServiceKey & Pick<ServiceKeyRecord, 'secretHash'>, csrfToken: string, now: number): SafeHtml {
  // A key keeps one old secret: rotating again during a grace period ends that one at once.
  const graceRunning = key.previousSecretExpiresAt !== null && key.previousSecretExpiresAt > now;
  const warning = graceRunning
    ? html`<p class="status-expiring">An earlier rotation left the key before the current one working until ${absoluteTime(key.previousSecretExpiresAt!)}: rotating now ends it at once, and every service still using it is refused from its next request.</p>`
    : html``;
  return html`<h2>Rotate</h2>
<div class="card">
<p>Gives ${key.name} a new key, shown once on the next page. The current key goes on working for the grace period you give, then every service still using it is refused: give them the new one before that.</p>
${warning}
<form method="post" action="${rotatePath(key)}">
<input type="hidden" name="_csrf" value="${csrfToken}">
<input type="hidden" name="secret_version" value="${secretVersion(key)}">
<p><label>Grace period, in seconds (0 to ${MAX_GRACE_SECONDS}) <input name="grace_seconds" type="number" min="0" max="${MAX_GRACE_SECONDS}" step="1" value="3600" required></label></p>
<p><button type="submit" class="danger">Rotate</button></p>
</form>
</div>`;
}

/**
 * POST /admin/services/:id/rotate: a superuser gives a key a new secret, as
 * `tokenkeeper services rotate` does, and sees it once in the answer (never
 * kept in the session). Audited, refusals too.
 */
export async function serviceKeyRotateRoutes(app: FastifyInstance, deps: Tokenkeeper): Promise<void> {
  app.post<{ Params: { id: string }; Body: Record<string, unknown> }>('/services/:id/rotate', async (request, reply) => {
    const back = { href: `/admin/services/${encodeURIComponent(request.params.id)}`, label: 'Back to the service key' };
    const admin = await superuserFor(deps, request, 'rotate', back);
    const record = await findServiceKeyById(deps.database.db, request.params.id);
    if (!record) throw new AdminRefusal('not_found', 'There is no such service key: revoked meanwhile?', { href: '/admin/services', label: 'Back to Service keys' });
    const raw = request.body?.grace_seconds;
    const graceSeconds = typeof raw === 'string' && /^\d{1,7}$/.test(raw.trim()) ? Number(raw.trim()) : Number.NaN;
    const version = request.body?.secret_version;
    if (typeof version !== 'string') throw new AdminRefusal('bad_request', 'The rotation form is incomplete: open the key’s page and rotate from there.', back);
    let rotated: Awaited<ReturnType<typeof rotateServiceKey>>;
    try {
      rotated = await rotateServiceKey(deps, record.name, graceSeconds, { adminUserId: admin.id, ip: request.ip }, { ifSecretVersion: version });
    } catch (error) {
      if (!(error instanceof TokenkeeperError) || (error.code !== 'bad_request' && error.code !== 'action_not_applicable')) throw error;
      throw new AdminRefusal(error.code, error.message, back);
    }
    const { serviceKey, key, graceCutShort } = rotated;
    await auditServiceKeyAction(deps, request, admin, 'rotate', serviceKey.id, { name: serviceKey.name, grace_seconds: graceSeconds });
    const expires = serviceKey.previousSecretExpiresAt;
    const note =
      (expires === null ? 'The previous key no longer works.' : `The previous key works until ${absoluteTime(expires)}.`) +
      (graceCutShort === null ? '' : ` ${graceCutShortNote(absoluteTime(graceCutShort))}`);
    // The key is in this answer only: no cache may keep it.
    reply.header('cache-control', 'no-store');
    return reply.type('text/html; charset=utf-8').send(await page(app, request, `Service key ${serviceKey.name}`, 'services', keyShownOncePage(`Service key ${serviceKey.name} rotated`, key, note)));
  });
}
