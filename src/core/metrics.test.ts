import { describe, expect, it } from 'vitest';
import { parsePrometheusText, sampleValue } from '../../test/support/prometheus-text.js';
import { TokenkeeperMetrics } from './metrics.js';

const scrape = async (metrics: TokenkeeperMetrics) => parsePrometheusText(await metrics.text());

describe('TokenkeeperMetrics', () => {
  it('counts what it is told, in the text format, every name starting with tokenkeeper_', async () => {
    const metrics = new TokenkeeperMetrics(['github', 'google']);
    metrics.signIn('github', 'new_user');
    metrics.signIn('github', 'ok');
    metrics.signIn('github', 'ok');
    metrics.signIn('google', 'invalid_state');
    metrics.refreshObserver.refreshed!('github', 'ok', 0.2);
    metrics.refreshObserver.refreshed!('github', 'provider_timeout', 10);
    metrics.refreshObserver.leaseWaited!('google', 'joined');
    metrics.proxied('github', 204, 0.03);
    metrics.proxied('github', 503, 0.5);
    metrics.proxied('github', null, 1);
    metrics.httpRequest('/api/providers/:provider/proxy/*', 'GET', 200, 0.04);
    const text = await scrape(metrics);
    expect(sampleValue(text, 'tokenkeeper_sign_ins_total', { provider: 'github', outcome: 'new_user' })).toBe(1);
    expect(sampleValue(text, 'tokenkeeper_sign_ins_total', { provider: 'github', outcome: 'ok' })).toBe(2);
    expect(sampleValue(text, 'tokenkeeper_sign_ins_total', { provider: 'google', outcome: 'invalid_state' })).toBe(1);
    expect(sampleValue(text, 'tokenkeeper_refreshes_total', { provider: 'github', outcome: 'ok' })).toBe(1);
    expect(sampleValue(text, 'tokenkeeper_refreshes_total', { provider: 'github', outcome: 'provider_timeout' })).toBe(1);
    expect(sampleValue(text, 'tokenkeeper_refresh_duration_seconds_sum', { provider: 'github', outcome: 'provider_timeout' })).toBe(10);
    expect(sampleValue(text, 'tokenkeeper_refresh_duration_seconds_bucket', { provider: 'github', outcome: 'ok', le: '0.25' })).toBe(1);
    expect(sampleValue(text, 'tokenkeeper_refresh_duration_seconds_bucket', { provider: 'github', outcome: 'ok', le: '0.1' })).toBe(0);
    expect(sampleValue(text, 'tokenkeeper_refresh_lease_waits_total', { provider: 'google', outcome: 'joined' })).toBe(1);
    expect(sampleValue(text, 'tokenkeeper_proxy_request_duration_seconds_count', { provider: 'github', status_class: '2xx' })).toBe(1);
    expect(sampleValue(text, 'tokenkeeper_proxy_request_duration_seconds_count', { provider: 'github', status_class: '5xx' })).toBe(1);
    expect(sampleValue(text, 'tokenkeeper_proxy_request_duration_seconds_count', { provider: 'github', status_class: 'error' })).toBe(1);
    expect(sampleValue(text, 'tokenkeeper_http_request_duration_seconds_count', { route: '/api/providers/:provider/proxy/*', method: 'GET', status_code: '200' })).toBe(1);
    expect([...text.families.keys()].filter((name) => !name.startsWith('tokenkeeper_'))).toEqual([]);
    expect(text.families.get('tokenkeeper_sign_ins_total')?.type).toBe('counter');
    expect(text.families.get('tokenkeeper_tokens')?.type).toBe('gauge');
  });

  it('leaves out a provider that is not configured: a name from a URL is no label value', async () => {
    const metrics = new TokenkeeperMetrics(['github']);
    metrics.signIn('user-7f3a', 'invalid_state');
    metrics.proxied('user-7f3a', 200, 0.1);
    metrics.refreshObserver.refreshed!('user-7f3a', 'ok', 0.1);
    metrics.refreshObserver.leaseWaited!('user-7f3a', 'joined');
    expect(await metrics.text()).not.toContain('user-7f3a');
  });

  it('sets the token gauge from a count: every configured provider and status, 0 when none, and nothing kept from the last count', async () => {
    const metrics = new TokenkeeperMetrics(['github', 'google']);
    metrics.setTokenCounts([
      { provider: 'github', status: 'active', count: 7 },
      { provider: 'retired', status: 'needs_reauth', count: 2 },
    ]);
    let text = await scrape(metrics);
    expect(text.samples.filter((sample) => sample.name === 'tokenkeeper_tokens')).toEqual([
      { name: 'tokenkeeper_tokens', labels: { provider: 'github', status: 'active' }, value: 7 },
      { name: 'tokenkeeper_tokens', labels: { provider: 'github', status: 'needs_reauth' }, value: 0 },
      { name: 'tokenkeeper_tokens', labels: { provider: 'google', status: 'active' }, value: 0 },
      { name: 'tokenkeeper_tokens', labels: { provider: 'google', status: 'needs_reauth' }, value: 0 },
      { name: 'tokenkeeper_tokens', labels: { provider: 'retired', status: 'needs_reauth' }, value: 2 },
    ]);
    metrics.setTokenCounts([{ provider: 'google', status: 'active', count: 1 }]);
    text = await scrape(metrics);
    expect(sampleValue(text, 'tokenkeeper_tokens', { provider: 'github', status: 'active' })).toBe(0);
    expect(sampleValue(text, 'tokenkeeper_tokens', { provider: 'google', status: 'active' })).toBe(1);
    expect(sampleValue(text, 'tokenkeeper_tokens', { provider: 'retired', status: 'needs_reauth' })).toBeUndefined();
  });

  it('counts webhook attempts by outcome, each outcome shown from the start', async () => {
    const metrics = new TokenkeeperMetrics([]);
    let text = await scrape(metrics);
    for (const outcome of ['delivered', 'retry', 'failed']) expect(sampleValue(text, 'tokenkeeper_webhook_deliveries_total', { outcome })).toBe(0);
    metrics.webhookDelivery('retry');
    metrics.webhookDelivery('delivered');
    metrics.webhookDelivery('delivered');
    text = await scrape(metrics);
    expect(sampleValue(text, 'tokenkeeper_webhook_deliveries_total', { outcome: 'delivered' })).toBe(2);
    expect(sampleValue(text, 'tokenkeeper_webhook_deliveries_total', { outcome: 'retry' })).toBe(1);
    expect(sampleValue(text, 'tokenkeeper_webhook_deliveries_total', { outcome: 'failed' })).toBe(0);
  });

  it('counts service token reads by key name, provider and outcome; an unconfigured provider is not counted', async () => {
    const metrics = new TokenkeeperMetrics(['github']);
    metrics.serviceTokenRead('billing', 'github', 'ok');
    metrics.serviceTokenRead('billing', 'github', 'ok');
    metrics.serviceTokenRead('billing', 'github', 'needs_reauth');
    metrics.serviceTokenRead('billing', 'nope', 'unknown_provider');
    const text = await scrape(metrics);
    expect(sampleValue(text, 'tokenkeeper_service_token_reads_total', { service: 'billing', provider: 'github', outcome: 'ok' })).toBe(2);
    expect(sampleValue(text, 'tokenkeeper_service_token_reads_total', { service: 'billing', provider: 'github', outcome: 'needs_reauth' })).toBe(1);
    expect(sampleValue(text, 'tokenkeeper_service_token_reads_total', { service: 'billing', provider: 'nope', outcome: 'unknown_provider' })).toBeUndefined();
  });

  it("adds the process and Node.js metrics, prefixed, once however often it is asked", async () => {
    const metrics = new TokenkeeperMetrics(['github']);
    expect((await scrape(metrics)).families.has('tokenkeeper_process_cpu_seconds_total')).toBe(false);
    metrics.collectProcessMetrics();
    metrics.collectProcessMetrics();
    const text = await scrape(metrics);
    for (const name of ['tokenkeeper_process_cpu_seconds_total', 'tokenkeeper_process_resident_memory_bytes', 'tokenkeeper_nodejs_eventloop_lag_p99_seconds', 'tokenkeeper_nodejs_heap_size_used_bytes']) {
      expect(text.families.has(name), name).toBe(true);
    }
    expect([...text.families.keys()].filter((name) => !name.startsWith('tokenkeeper_'))).toEqual([]);
  });
});
