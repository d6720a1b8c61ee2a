import { isIP } from 'node:net';
import { buildConnector } from 'undici';
import { trustedCertificates } from '../client/outbound-fetch.js';
import type { AppConfig } from '../config/config.js';
import { displayWebhookUrl } from '../core/webhook-delivery.js';
import type { WebhookUrlBacklog } from '../db/webhook-delivery.repository.js';
import { describeError, type DatabaseFindings, type Report } from './doctor-checks.js';

/**
 * Opens a connection to a webhook URL's server, with TLS verified as the
 * delivery job verifies it (Node's CAs and CA_FILE), and closes it without
 * sending a request: a receiver would take any request for a message.
 */
function connectToReceiver(url: URL, caFile: string | null, timeoutMs: number): Promise<void> {
  const ca = caFile ? trustedCertificates(caFile) : undefined;
  const connect = buildConnector({ ...(ca ? { ca } : {}), timeout: timeoutMs });
  const hostname = url.hostname.replace(/^\[|\]$/g, '');
  return new Promise((resolveConnect, reject) => {
    connect(
      {
        hostname,
        host: url.host,
        protocol: url.protocol,
        port: url.port || (url.protocol === 'https:' ? '443' : '80'),
        ...(url.protocol === 'https:' && isIP(hostname) === 0 ? { servername: hostname } : {}),
      },
      (error, socket) => {
        if (error) return reject(error);
        socket!.destroy();
        resolveConnect();
      },
    );
  });
}

const plural = (count: number, noun: string, nouns = `${noun}s`) => `${count} ${count === 1 ? noun : nouns}`;

/** A URL's waiting messages in words, and whether they are news (a failed attempt, or a failed message). */
function describeBacklog(backlog: WebhookUrlBacklog | undefined): { text: string; troubled: boolean } {
  if (!backlog || backlog.unsent + backlog.retrying + backlog.failed === 0) return { text: 'nothing waiting in the outbox', troubled: false };
  const parts: string[] = [];
  if (backlog.unsent > 0) parts.push(`${plural(backlog.unsent, 'message')} not sent yet`);
  if (backlog.retrying > 0) parts.push(`${plural(backlog.retrying, 'message')} waiting for a retry`);
  if (backlog.failed > 0) parts.push(`${plural(backlog.failed, 'message')} failed (no retry left: the admin's Webhooks page can send them again)`);
  const since = backlog.oldestPendingAt === null ? '' : `; the oldest pending from ${new Date(backlog.oldestPendingAt * 1000).toISOString()}`;
  const error = backlog.lastError === null ? '' : `; last error: ${backlog.lastError}`;
  return { text: `${parts.join(', ')}${since}${error}`, troubled: backlog.retrying + backlog.failed > 0 };
}

/**
 * Each URL of WEBHOOK_URLS: its server takes a connection (no request is
 * sent), and what waits for it in the outbox (a warning while messages wait
 * for a retry or have failed). Then the messages still pending for URLs the
 * list no longer names.
 */
export async function checkWebhooks(config: AppConfig, findings: DatabaseFindings, report: Report): Promise<void> {
  if (!config.webhooks) return;
  const backlogs = new Map((findings.webhookBacklog ?? []).map((backlog) => [backlog.url, backlog]));
  for (const url of config.webhooks.urls) {
    const check = `webhook ${displayWebhookUrl(url)}`;
    const { text, troubled } = describeBacklog(backlogs.get(url));
    const outbox = findings.webhookBacklog ? `; ${text}` : '';
    try {
      await connectToReceiver(new URL(url), config.caFile, config.providerTimeoutSeconds * 1000);
    } catch (error) {
      report({ status: 'fail', check, detail: `unreachable: ${describeError(error)}${outbox}` });
      continue;
    }
    const how = url.startsWith('https:') ? 'a connection with TLS verified' : 'a connection';
    report({ status: troubled ? 'warn' : 'ok', check, detail: `reached (${how}; no request sent)${outbox}` });
  }
  const configured = new Set(config.webhooks.urls);
  const orphaned = (findings.webhookBacklog ?? []).filter((backlog) => !configured.has(backlog.url) && backlog.unsent + backlog.retrying > 0);
  if (orphaned.length > 0) {
    const count = orphaned.reduce((sum, backlog) => sum + backlog.unsent + backlog.retrying, 0);
    report({
      status: 'warn',
      check: 'webhooks',
      detail:
        `${plural(count, 'message')} pending for URLs WEBHOOK_URLS no longer names (${orphaned.map((backlog) => displayWebhookUrl(backlog.url)).join(', ')}): ` +
        'a server whose list still has them sends them; otherwise they are marked failed an hour after they are due',
    });
  }
}
