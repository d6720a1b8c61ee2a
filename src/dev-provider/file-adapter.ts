/**
 * Storage for oidc-provider's state (sessions, interactions, grants, codes,
 * tokens) — FOR DEVELOPMENT AND TESTS ONLY.
 *
 * Everything is held in memory; with a file, every change rewrites the whole
 * file (atomically, mode 0600) before the adapter call resolves, so a
 * restarted dev provider finds every grant and token it issued. It is one
 * process's store: two providers must not share a file at the same time, and
 * writing the whole state per change does not scale past a developer's laptop.
 *
 * Why not oidc-provider's own in-memory adapter: it is an LRU capped at 1,000
 * entries, so a load test quietly evicts live sessions and tokens.
 *
 * Adapter contract: oidc-provider's example/my_adapter.js (upsert, find,
 * findByUid, findByUserCode, consume, destroy, revokeByGrantId).
 */
import { readFile } from 'node:fs/promises';

import type { Adapter, AdapterPayload } from 'oidc-provider';

import { writeFileAtomically } from './private-files.js';

export const STATE_FILE_NAME = 'dev-provider-state.json';
const STATE_FILE_VERSION = 1;

/** Models whose instances belong to a grant and die with it (revokeByGrantId). */
const GRANT_BOUND_MODELS = new Set([
  'AccessToken',
  'AuthorizationCode',
  'RefreshToken',
  'DeviceCode',
  'BackchannelAuthenticationRequest',
  'PreAuthorizedCode',
]);

interface StoredEntry {
  payload: AdapterPayload;
  /** Epoch milliseconds; null when oidc-provider gave no lifetime. */
  expiresAt: number | null;
}

type ModelEntries = Map<string, StoredEntry>;

interface StateFile {
  version: number;
  models: Record<string, Record<string, StoredEntry>>;
}

const epochSeconds = (): number => Math.floor(Date.now() / 1000);

export class ProviderStateStore {
  readonly #models = new Map<string, ModelEntries>();
  /** Secondary indexes: `${model}:${uid}` → id and `${model}:${userCode}` → id. */
  readonly #idByUid = new Map<string, string>();
  readonly #idByUserCode = new Map<string, string>();
  readonly #file: string | undefined;
  #changes = 0;
  #savedChanges = 0;
  #writing: Promise<void> | null = null;

  private constructor(file: string | undefined) {
    this.#file = file;
  }

  /** A store that lives only as long as the process. */
  static inMemory(): ProviderStateStore {
    return new ProviderStateStore(undefined);
  }

  /** A store persisted in `file`, loaded from it when it exists. */
  static async fromFile(file: string): Promise<ProviderStateStore> {
    const store = new ProviderStateStore(file);
    let text: string | undefined;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    if (text !== undefined) store.#load(file, text);
    return store;
  }

  #load(file: string, text: string): void {
    let parsed: StateFile;
    try {
      parsed = JSON.parse(text) as StateFile;
    } catch (cause) {
      throw new Error(`dev provider: ${file} is not valid JSON; delete it to start with no sessions or tokens`, { cause });
    }
    if (parsed?.version !== STATE_FILE_VERSION || typeof parsed.models !== 'object' || parsed.models === null) {
      throw new Error(`dev provider: ${file} is not a version ${STATE_FILE_VERSION} state file; delete it to start with no sessions or tokens`);
    }
    const now = Date.now();
    for (const [model, entries] of Object.entries(parsed.models)) {
      for (const [id, entry] of Object.entries(entries)) {
        if (typeof entry?.payload !== 'object' || entry.payload === null) continue;
        if (entry.expiresAt !== null && !(entry.expiresAt > now)) continue;
        this.#put(model, id, { payload: entry.payload, expiresAt: entry.expiresAt });
      }
    }
  }

  #entries(model: string): ModelEntries {
    let entries = this.#models.get(model);
    if (!entries) {
      entries = new Map();
      this.#models.set(model, entries);
    }
    return entries;
  }

  #put(model: string, id: string, entry: StoredEntry): void {
    this.#remove(model, id);
    this.#entries(model).set(id, entry);
    if (typeof entry.payload.uid === 'string') this.#idByUid.set(`${model}:${entry.payload.uid}`, id);
    if (typeof entry.payload.userCode === 'string') this.#idByUserCode.set(`${model}:${entry.payload.userCode}`, id);
  }

  #remove(model: string, id: string): boolean {
    const entries = this.#entries(model);
    const entry = entries.get(id);
    if (!entry) return false;
    entries.delete(id);
    const { uid, userCode } = entry.payload;
    if (typeof uid === 'string' && this.#idByUid.get(`${model}:${uid}`) === id) this.#idByUid.delete(`${model}:${uid}`);
    if (typeof userCode === 'string' && this.#idByUserCode.get(`${model}:${userCode}`) === id) {
      this.#idByUserCode.delete(`${model}:${userCode}`);
    }
    return true;
  }

  /** The live entry, dropping it when expired. */
  #live(model: string, id: string): StoredEntry | undefined {
    const entries = this.#entries(model);
    const entry = entries.get(id);
    if (entry && entry.expiresAt !== null && entry.expiresAt <= Date.now()) {
      this.#remove(model, id);
      return undefined;
    }
    return entry;
  }

  async upsert(model: string, id: string, payload: AdapterPayload, expiresIn: number | undefined): Promise<void> {
    const expiresAt = typeof expiresIn === 'number' ? Date.now() + expiresIn * 1000 : null;
    this.#put(model, id, { payload: structuredClone(payload), expiresAt });
    await this.#changed();
  }

  find(model: string, id: string): AdapterPayload | undefined {
    const entry = this.#live(model, id);
    return entry ? structuredClone(entry.payload) : undefined;
  }

  findByUid(model: string, uid: string): AdapterPayload | undefined {
    const id = this.#idByUid.get(`${model}:${uid}`);
    return id === undefined ? undefined : this.find(model, id);
  }

  findByUserCode(model: string, userCode: string): AdapterPayload | undefined {
    const id = this.#idByUserCode.get(`${model}:${userCode}`);
    return id === undefined ? undefined : this.find(model, id);
  }

  async consume(model: string, id: string): Promise<void> {
    const entry = this.#live(model, id);
    if (!entry) return;
    entry.payload.consumed = epochSeconds();
    await this.#changed();
  }

  async destroy(model: string, id: string): Promise<void> {
    if (this.#remove(model, id)) await this.#changed();
  }

  async revokeByGrantId(model: string, grantId: string): Promise<void> {
    if (!GRANT_BOUND_MODELS.has(model)) return;
    let removed = 0;
    for (const [id, entry] of this.#entries(model)) {
      if (entry.payload.grantId === grantId && this.#remove(model, id)) removed += 1;
    }
    if (removed > 0) await this.#changed();
  }

  /** Number of live entries of one model (for tests and diagnostics). */
  count(model: string): number {
    let live = 0;
    for (const id of [...this.#entries(model).keys()]) if (this.#live(model, id)) live += 1;
    return live;
  }

  /** Resolves once every change made so far is in the file. */
  async flush(): Promise<void> {
    const target = this.#changes;
    while (this.#file !== undefined && this.#savedChanges < target) {
      if (this.#writing) {
        await this.#writing;
        continue;
      }
      this.#writing = this.#write(this.#file).finally(() => {
        this.#writing = null;
      });
      await this.#writing;
    }
  }

  async #changed(): Promise<void> {
    this.#changes += 1;
    if (this.#file === undefined) {
      // Nothing else ever removes expired entries from a long-running in-memory store.
      if (this.#changes % 1000 === 0) this.#pruneExpired();
      return;
    }
    await this.flush();
  }

  #pruneExpired(): void {
    for (const [model, entries] of this.#models) for (const id of [...entries.keys()]) this.#live(model, id);
  }

  async #write(file: string): Promise<void> {
    // Several changes made while the previous write ran are saved together.
    const changes = this.#changes;
    this.#pruneExpired();
    const models: StateFile['models'] = {};
    for (const [model, entries] of this.#models) {
      if (entries.size > 0) models[model] = Object.fromEntries(entries);
    }
    const state: StateFile = { version: STATE_FILE_VERSION, models };
    await writeFileAtomically(file, JSON.stringify(state));
    this.#savedChanges = changes;
  }
}

/** oidc-provider's `adapter` setting: a factory giving one adapter per model name. */
export function createAdapterFactory(store: ProviderStateStore): (model: string) => Adapter {
  return (model) => ({
    upsert: (id, payload, expiresIn) => store.upsert(model, id, payload, expiresIn),
    find: async (id) => store.find(model, id),
    findByUid: async (uid) => store.findByUid(model, uid),
    findByUserCode: async (userCode) => store.findByUserCode(model, userCode),
    consume: (id) => store.consume(model, id),
    destroy: (id) => store.destroy(model, id),
    revokeByGrantId: (grantId) => store.revokeByGrantId(model, grantId),
  });
}
