import http from 'node:http';
import dns from 'node:dns';
import { expect, it } from 'vitest';
import { useLocalhostNames } from './localhost-names.js';

useLocalhostNames();

const lookup = (hostname: string) =>
  new Promise<{ address: string; family: number }>((resolve, reject) => dns.lookup(hostname, (error, address, family) => (error ? reject(error) : resolve({ address, family }))));

it('a name under .localhost reaches a server on 127.0.0.1 at its port, its Host header as sent; other names resolve as before', async () => {
  const server = http.createServer((request, response) => response.end(request.headers.host));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  try {
    const answer = await fetch(`http://api.eu1.localhost:${port}/`);
    expect(await answer.text()).toBe(`api.eu1.localhost:${port}`);
    expect(await lookup('api.us3.LOCALHOST')).toEqual({ address: '127.0.0.1', family: 4 });
    expect(await lookup('127.0.0.1')).toEqual({ address: '127.0.0.1', family: 4 });
    await expect(lookup('api.us3.localhost.invalid')).rejects.toMatchObject({ code: 'ENOTFOUND' });
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});
