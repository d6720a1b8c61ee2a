import { TokenkeeperError } from '../../client/errors.js';
import { writeAuditEvent } from '../../db/audit.repository.js';
import type { JsonObject } from '../../db/json-column.js';
import { mayRun, type Action, type AdminContext, type AdminResource } from './resource.js';

/** Why the signed-in admin may not run `action` on `row`, or undefined when they may. */
export function refusalOf<Row>(resource: AdminResource<Row>, action: Action<Row>, row: Row, context: AdminContext): { code: 'superuser_only' | 'action_not_applicable'; message: string } | undefined {
  if (!mayRun(action, row, context)) return { code: 'superuser_only', message: `Only a superuser may use “${action.label}” on this ${resource.singular}.` };
  if (action.appliesTo && !action.appliesTo(row, context)) {
    return { code: 'action_not_applicable', message: action.refusal?.(row, context) ?? `“${action.label}” does not apply to this ${resource.singular}.` };
  }
  return undefined;
}

/** Writes the audit entry of `action` on `row`: `admin.<resource>.<action>`, with `_denied` or `_failed` for those outcomes. */
export function auditAction<Row>(resource: AdminResource<Row>, action: Action<Row>, row: Row, context: AdminContext, suffix: '' | '_denied' | '_failed', detail: JsonObject): Promise<unknown> {
  return writeAuditEvent(context.deps.database.db, {
    event: `admin.${resource.name}.${action.name}${suffix}`,
    actorUserId: context.admin.id,
    targetType: resource.auditTargetType,
    targetId: resource.idOf(row),
    ip: context.request.ip,
    detail,
    at: context.deps.now(),
  });
}

/**
 * Runs an action the admin may run on `row` (see refusalOf), audited either way: its sentence for the flash
 * message, or why it failed, in words for the admin, with the error's code. A fault that is not a refusal (a bug) is
 * thrown, after its audit entry.
 */
export async function executeAction<Row>(resource: AdminResource<Row>, action: Action<Row>, row: Row, context: AdminContext, detail: JsonObject = {}): Promise<{ ok: boolean; message: string }> {
  let outcome: string;
  try {
    outcome = await action.run(row, context);
  } catch (error) {
    await auditAction(resource, action, row, context, '_failed', { ...detail, code: (error as { code?: string }).code ?? 'error' });
    if (!(error instanceof TokenkeeperError)) throw error;
    return { ok: false, message: `${action.failure?.(error, row) ?? error.message} (${error.code})` };
  }
  await auditAction(resource, action, row, context, '', { ...detail, outcome });
  return { ok: true, message: outcome };
}
