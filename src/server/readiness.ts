import { sql } from 'kysely';
import type { DiscoveryState } from '../client/provider-registry.js';
import { databaseOutageLog, type OutageLog } from '../core/outage-log.js';
import type { Tokenkeeper } from '../core/tokenkeeper.js';
import { pendingMigrations } from '../db/migrate.js';

export type NotReadyReason = 'shutting_down' | 'database_unavailable' | 'migrations_pending';

export type ProviderReadiness = { status: 'ok' | 'pending' } | { status: 'failed'; error: string; message: string };

export type ReadinessBody =
  | { status: 'ready' | 'degraded'; providers: Record<string, ProviderReadiness> }
  | { status: 'unavailable'; error: 'not_ready'; reason: NotReadyReason; message: string; pending?: string[]; providers: Record<string, ProviderReadiness> };

/**
 * Whether this server should get traffic (GET /readyz): not while it shuts
 * down, nor while its database does not answer or lacks migrations this
 * build needs. A provider whose discovery fails leaves it ready but
 * "degraded": its other providers and every signed-in call that needs no
 * discovery still work, and taking every server out of the load balancer
 * for one provider's outage would stop them all.
 */
export class Readiness {
  readonly #deps: Pick<Tokenkeeper, 'database' | 'registry' | 'logger'>;
  #shuttingDown = false;
  /** Once every migration of this build is applied, that stays so (nothing here migrates down). */
  #migrationsCurrent = false;
  readonly #outage: OutageLog;

  constructor(deps: Pick<Tokenkeeper, 'database' | 'registry' | 'logger'>) {
    this.#deps = deps;
    this.#outage = databaseOutageLog(deps.logger, 'readiness check', 'readiness check: the database did not answer', { level: 'error' });
  }

  get shuttingDown(): boolean {
    return this.#shuttingDown;
  }

  /** From now on the server answers 503 `shutting_down`, so load balancers stop sending it requests. */
  startShutdown(): void {
    this.#shuttingDown = true;
  }

  async check(): Promise<ReadinessBody> {
    const providers = this.#providers();
    const unavailable = (reason: NotReadyReason, message: string, extra: { pending?: string[] } = {}): ReadinessBody => ({
      status: 'unavailable',
      error: 'not_ready',
      reason,
      message,
      ...extra,
      providers,
    });
    if (this.#shuttingDown) return unavailable('shutting_down', 'The server is shutting down.');
    const { database } = this.#deps;
    try {
      await sql`select 1`.execute(database.db);
      if (!this.#migrationsCurrent) {
        const pending = await pendingMigrations(database);
        if (pending.length > 0) {
          return unavailable('migrations_pending', `The database lacks ${pending.length} migration(s) this server needs: run \`tokenkeeper migrate\`.`, { pending });
        }
        this.#migrationsCurrent = true;
      }
      this.#outage.succeeded();
    } catch (error) {
      this.#outage.failed(error);
      return unavailable('database_unavailable', 'The database did not answer.');
    }
    const degraded = Object.values(providers).some((provider) => provider.status === 'failed');
    return { status: degraded ? 'degraded' : 'ready', providers };
  }

  /**
   * Each provider's discovery as it stands, never waiting for one: a
   * provider that hangs must not make the probe time out. Discovery not yet
   * done, or failed, is started (again) in the background, so the next
   * probe sees how it went, and a provider that comes back is seen too.
   */
  #providers(): Record<string, ProviderReadiness> {
    const { registry } = this.#deps;
    const states: Record<string, ProviderReadiness> = {};
    for (const name of registry.names) {
      const provider = registry.get(name);
      const before = provider.discovery();
      if (before.state === 'pending' || before.state === 'failed') provider.configuration().catch(() => {});
      states[name] = readinessOf(provider.discovery());
    }
    return states;
  }
}

function readinessOf(discovery: DiscoveryState): ProviderReadiness {
  switch (discovery.state) {
    case 'none':
    case 'ok':
      return { status: 'ok' };
    case 'pending':
      return { status: 'pending' };
    case 'failed':
      return { status: 'failed', error: discovery.error, message: discovery.message };
  }
}
