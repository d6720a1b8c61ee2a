import type { Kysely } from 'kysely';
import { newId } from '../db/id.js';
import type { DatabaseSchema } from '../db/schema.js';
import { insertWebhookMessage } from '../db/webhook-delivery.repository.js';

/** Every `type` a webhook can have (README, Webhooks). */
export const WEBHOOK_EVENT_TYPES = ['connection.created', 'connection.updated', 'connection.refresh_failed', 'connection.needs_reauth', 'connection.revoked', 'user.deleted'] as const;

export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/** `data` of every webhook: who and which connection; never a token value. */
export interface WebhookEventData {
  user_id: string;
  /** The user's id in your system (service API, PATCH /api/v1/users/:id), or null. */
  external_id: string | null;
  /** null for user.deleted. */
  provider: string | null;
  /** The user's identity at the provider (its `sub`), or null when none is linked. */
  subject: string | null;
  status: 'active' | 'needs_reauth' | 'revoked' | 'deleted';
  /** Why, where it helps: the error code of a failed refresh, `invalid_grant`, `reconnected`, `scope_changed`. */
  reason?: string;
}

/** The body of every webhook, as Standard Webhooks suggests it: type, when the event happened, data. */
export interface WebhookPayload {
  type: WebhookEventType;
  /** When the event happened, in epoch seconds like the rest of this API (not when it was sent: see `webhook-timestamp`). */
  timestamp: number;
  data: WebhookEventData;
}

/**
 * Where events become webhook messages: a row per URL in the outbox
 * (webhook_deliveries), written with the caller's transaction when it gives
 * one, so the message exists exactly when the change does. The delivery job
 * sends them; `notify` wakes it in this process, to be called once the
 * transaction has committed (a row not yet committed is not there to send).
 */
export class WebhookOutbox {
  readonly #db: Kysely<DatabaseSchema>;
  readonly #urls: readonly string[];
  readonly #now: () => number;
  readonly #listeners = new Set<() => void>();

  constructor(db: Kysely<DatabaseSchema>, urls: readonly string[], now: () => number) {
    this.#db = db;
    this.#urls = urls;
    this.#now = now;
  }

  /** False when WEBHOOK_URLS is unset: enqueue does nothing. */
  get enabled(): boolean {
    return this.#urls.length > 0;
  }

  get urls(): readonly string[] {
    return this.#urls;
  }

  /**
   * Puts a message in the outbox. With `trx` it is written in that
   * transaction and the caller calls notify() after the commit; without, it
   * is written at once and the delivery job woken.
   */
  async enqueue(type: WebhookEventType, data: WebhookEventData, trx?: Kysely<DatabaseSchema>): Promise<void> {
    if (!this.enabled) return;
    const now = this.#now();
    const payload: WebhookPayload = { type, timestamp: now, data };
    // The spec asks that the id hold no `.` (it is a separator of the signed content): a ULID never does.
    await insertWebhookMessage(trx ?? this.#db, { messageId: `msg_${newId()}`, eventType: type, payload: JSON.stringify(payload), urls: this.#urls, now });
    if (!trx) this.notify();
  }

  /** Wakes the delivery job of this process (other servers find the rows on their next poll). */
  notify(): void {
    if (!this.enabled) return;
    for (const listener of this.#listeners) listener();
  }

  /** The delivery job's wake-up; returns the unsubscribe function. */
  onEnqueued(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}
