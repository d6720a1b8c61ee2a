import type { DevProvider } from '../../src/dev-provider/index.js';
import type { DevProviderOptions } from '../../src/dev-provider/types.js';
import { startFaultProxy, type FaultProxy } from './fault-proxy.js';
import { startTestProvider } from './test-app.js';

/**
 * The dev provider with a fault proxy in front of every endpoint: its issuer
 * is the proxy's origin, so discovery, token, revocation and API requests all
 * pass the proxy, where a test can make them fail and count them.
 *
 * The proxy listens first and the provider then takes any free port: a port
 * picked free and listened on a moment later can be taken in between by a
 * test running beside this one.
 */
export async function startProviderBehindProxy(
  options: Partial<Omit<DevProviderOptions, 'clients' | 'port' | 'issuer'>> = {},
): Promise<{ provider: DevProvider; proxy: FaultProxy; close(): Promise<void> }> {
  // Nothing is sent to this target: the provider's own port replaces it before any request.
  const proxy = await startFaultProxy('http://127.0.0.1:9', { preserveHost: true });
  try {
    const provider = await startTestProvider({ ...options, port: 0, issuer: proxy.origin });
    proxy.retarget(`http://127.0.0.1:${provider.port}`);
    return {
      provider,
      proxy,
      close: async () => {
        await proxy.close();
        await provider.close();
      },
    };
  } catch (error) {
    await proxy.close();
    throw error;
  }
}
