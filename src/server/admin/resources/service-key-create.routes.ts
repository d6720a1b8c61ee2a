import type { FastifyInstance, FastifyRequest } from 'fastify';
import { TokenkeeperError } from '../../../client/errors.js';
import { createServiceKey, SERVICE_PERMISSIONS } from '../../../core/service-keys.js';
import type { Tokenkeeper } from '../../../core/tokenkeeper.js';
import { writeAuditEvent } from '../../../db/audit.repository.js';
import type { JsonObject } from '../../../db/json-column.js';
import type { User } from '../../../db/user.repository.js';
import { html, type SafeHtml } from '../../views/html.js';
import { AdminRefusal } from '../admin-errors.js';
import { formValues } from '../resource.js';
import { page } from '../admin-page.js';

const NEW_PATH = '/admin/services/new';

interface CreateForm {
  name: string;
  permissions: readonly string[];
  providers: readonly string[];
  error: string | null;
}

function formPage(deps: Tokenkeeper, csrfToken: string, form: CreateForm): SafeHtml {
  const box = (field: string, value: string, checked: boolean) =>
    html`<label><input type="checkbox" name="${field}" value="${value}"${checked ? html` checked` : null}> <code>${value}</code></label><br>`;
  return html`<p class="muted"><a href="/admin/services">Service keys</a> ›</p>
<h1>New service key</h1>
<div class="card">
${form.error ? html`<p class="error" role="alert">${form.error}</p>` : null}
<form method="post" action="${NEW_PATH}">
<input type="hidden" name="_csrf" value="${csrfToken}">
<p><label>Name <input name="name" value="${form.name}" required maxlength="64" autocapitalize="none" spellcheck="false"></label></p>
<fieldset><legend>Permissions</legend>${SERVICE_PERMISSIONS.map((p) => box('permissions', p, form.permissions.includes(p)))}</fieldset>
<fieldset><legend>Providers (none ticked: all)</legend>${deps.registry.names.map((p) => box('providers', p, form.providers.includes(p)))}</fieldset>
<p><button type="submit">Create</button></p>
</form>
</div>`;
}

/** The page that shows a new key, the only time it is shown; `note`: what became of the old one, after a rotation. */
export function keyShownOncePage(heading: string, key: string, note: string | null = null): SafeHtml {
  return html`<p class="muted"><a href="/admin/services">Service keys</a> ›</p>
<h1>${heading}</h1>
<div class="card">
${note ? html`<p>${note}</p>` : null}
<p>Copy the key now: it is not stored, and this page is the only time it is shown. Services send it as <code>Authorization: Bearer &lt;key&gt;</code>.</p>
<pre class="api-body"><code class="service-key">${key}</code></pre>
</div>`;
}

/** The admin site's audit entry `admin.services.<action>` for a service key (null: none in particular), by the signed-in admin. */
export async function auditServiceKeyAction(deps: Tokenkeeper, request: FastifyRequest, admin: User, action: string, keyId: string | null, detail: JsonObject): Promise<void> {
  await writeAuditEvent(deps.database.db, { event: `admin.services.${action}`, actorUserId: admin.id, targetType: 'service_key', targetId: keyId, ip: request.ip, detail, at: deps.now() });
}

/** The signed-in admin when a superuser; anyone else is refused (a key can read every user's tokens), and the refusal audited. */
export async function superuserFor(deps: Tokenkeeper, request: FastifyRequest, action: 'create' | 'rotate', back: { href: string; label: string }): Promise<User> {
  const admin = request.adminUser as User | null | undefined;
  if (!admin) throw new TokenkeeperError('unauthorized', 'Sign in as staff first.');
  if (!admin.isSuperuser) {
    await auditServiceKeyAction(deps, request, admin, `${action}_denied`, null, { code: 'superuser_only' });
    throw new AdminRefusal('superuser_only', `Only a superuser may ${action} service keys: a key can read every user’s tokens.`, back);
  }
  return admin;
}

/**
 * GET and POST /admin/services/new: a superuser creates a service key, which
 * is shown once on the answer to the POST (never kept in the session, nor in
 * a flash message, which is stored). Audited, refusals too.
 */
export async function serviceKeyCreateRoutes(app: FastifyInstance, deps: Tokenkeeper): Promise<void> {
  const superuser = (request: FastifyRequest) => superuserFor(deps, request, 'create', { href: '/admin/services', label: 'Back to Service keys' });
  const send = async (request: FastifyRequest, title: string, body: SafeHtml) => page(app, request, title, 'services', body);

  app.get('/services/new', async (request, reply) => {
    await superuser(request);
    const form = { name: '', permissions: [], providers: [], error: null };
    return reply.type('text/html; charset=utf-8').send(await send(request, 'New service key', formPage(deps, request.session?.csrfToken ?? '', form)));
  });

  app.post<{ Body: Record<string, unknown> }>('/services/new', async (request, reply) => {
    const admin = await superuser(request);
    const body = request.body ?? {};
    const form: CreateForm = { name: formValues(body.name)[0]?.trim() ?? '', permissions: formValues(body.permissions), providers: formValues(body.providers), error: null };
    let created: Awaited<ReturnType<typeof createServiceKey>>;
    try {
      created = await createServiceKey(deps, { name: form.name, permissions: form.permissions, providers: form.providers }, { adminUserId: admin.id, ip: request.ip });
    } catch (error) {
      if (!(error instanceof TokenkeeperError) || error.code !== 'bad_request') throw error;
      const again = formPage(deps, request.session?.csrfToken ?? '', { ...form, error: error.message });
      return reply.code(400).type('text/html; charset=utf-8').send(await send(request, 'New service key', again));
    }
    const { serviceKey, key } = created;
    await auditServiceKeyAction(deps, request, admin, 'create', serviceKey.id, { name: serviceKey.name });
    // The key is in this answer only: no cache may keep it.
    reply.header('cache-control', 'no-store');
    return reply.type('text/html; charset=utf-8').send(await send(request, `Service key ${serviceKey.name}`, keyShownOncePage(`Service key ${serviceKey.name} created`, key)));
  });
}
