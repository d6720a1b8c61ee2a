import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { TokenkeeperError } from '../../client/errors.js';

/** Whether a parsed body (form fields, JSON) holds U+0000 in any key or string; bytes (a Buffer) are not looked at. */
export function hasNul(value: unknown): boolean {
  // A loop, not recursion: a 64 KiB JSON body can nest thousands deep.
  const pending: unknown[] = [value];
  while (pending.length > 0) {
    const item = pending.pop();
    if (typeof item === 'string') {
      if (item.includes('\0')) return true;
    } else if (item !== null && typeof item === 'object' && !Buffer.isBuffer(item)) {
      for (const [key, child] of Object.entries(item)) {
        if (key.includes('\0')) return true;
        pending.push(child);
      }
    }
  }
  return false;
}

function nulError(): TokenkeeperError {
  return new TokenkeeperError('invalid_character', 'The request contains a NUL character (U+0000), which no address or form field here may hold.');
}

/**
 * PostgreSQL text cannot hold U+0000 (its manual, "Character Types": the
 * character with code zero cannot be stored), so a NUL reaching a query would
 * fail it with a 500. No route takes one, so it is refused at the boundary,
 * on both dialects alike: in the URL (raw, or as %00, the only way a path or
 * query decodes to it) and in a parsed form or JSON body. Bodies kept as
 * bytes (the proxy's) pass through untouched.
 */
async function nulGuardPlugin(app: FastifyInstance): Promise<void> {
  // Two substring searches per request: cheap enough for the proxy's hot path.
  app.addHook('onRequest', (request, _reply, done) => {
    done(request.url.includes('%00') || request.url.includes('\0') ? nulError() : undefined);
  });
  app.addHook('preValidation', (request, _reply, done) => {
    done(hasNul(request.body) ? nulError() : undefined);
  });
}

export default fp(nulGuardPlugin, { name: 'tokenkeeper-nul-guard' });
