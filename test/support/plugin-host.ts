import Fastify, { type FastifyInstance } from 'fastify';
import { tokenkeeperPlugin } from '../../src/adapters/fastify.js';
import type { SignInResult, Tokenkeeper } from '../../src/library/index.js';
import { injectFetch } from './inject-fetch.js';
import { APP_ORIGIN } from './test-app.js';

/**
 * A host app of the library, as its tests use one: Fastify at APP_ORIGIN with tokenkeeper/fastify's routes under
 * `/auth`, every finished sign-in recorded in `signIns` and sent on to `/`. `fetch` reaches it (and anything else
 * by the network) before it serves, for an emulator that must fetch from the host.
 */
export class PluginHost {
  readonly app: FastifyInstance = Fastify();
  readonly signIns: SignInResult[] = [];
  readonly fetch = injectFetch(this.app, APP_ORIGIN);
  /** Who is signed in to the host, by the host's own id (tokenkeeper/fastify's currentUser); none by default. */
  signedInAs: { externalId: string } | undefined;

  /** Serves `tokenkeeper`'s routes; closing the host does not close it. */
  async serve(tokenkeeper: Tokenkeeper): Promise<void> {
    await this.app.register(tokenkeeperPlugin, {
      tokenkeeper,
      baseUrl: APP_ORIGIN,
      currentUser: () => this.signedInAs,
      onSignIn: (_request, reply, result) => {
        this.signIns.push(result);
        return reply.redirect('/', 303);
      },
    });
    this.app.get('/', async () => ({ home: true }));
    await this.app.ready();
  }

  close(): Promise<void> {
    return this.app.close();
  }
}
