import type { AnyAdminResource } from '../resource.js';
import { auditResource } from './audit.resource.js';
import { registeredClientsResource } from './registered-clients.resource.js';
import { servicesResource } from './services.resource.js';
import { tokensResource } from './tokens.resource.js';
import { usersResource } from './users.resource.js';
import { webhooksResource } from './webhooks.resource.js';

/** Every resource of the admin site, in navigation order. Adding one is a file and a line here. */
export const adminResources: readonly AnyAdminResource[] = [usersResource, tokensResource, servicesResource, webhooksResource, registeredClientsResource, auditResource];
