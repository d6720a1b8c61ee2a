import type { DevProvider } from '../../src/dev-provider/index.js';
import { startFaultProxy, type FaultProxy } from './fault-proxy.js';
import { freePort } from './server-processes.js';
import { startTestProvider } from './test-app.js';

/**
 * The dev provider with a fault proxy in front of every endpoint: its issuer
 * is the proxy's origin, so discovery, token, revocation and API requests all
 * pass the proxy, where a test can make them fail and count them.
 */
export async function startProviderBehindProxy(): Promise<{ provider: DevProvider; proxy: FaultProxy; close(): Promise<void> }> {
  const port = await freePort();
  const proxy = await startFaultProxy(`http://127.0.0.1:${port}`, { preserveHost: true });
  try {
    const provider = await startTestProvider({ port, issuer: proxy.origin });
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
