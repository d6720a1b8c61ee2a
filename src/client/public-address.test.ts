import type { LookupAddress } from 'node:dns';
import { describe, expect, it } from 'vitest';
import { isPublicAddress, NonPublicAddressError, publicAddressLookup } from './public-address.js';

/** The first, last and a middle address of each refused range, and the addresses just outside it where one is public. */
const NOT_PUBLIC_IPV4: Record<string, string[]> = {
  '0.0.0.0/8': ['0.0.0.0', '0.1.2.3', '0.255.255.255'],
  '10.0.0.0/8': ['10.0.0.0', '10.20.30.40', '10.255.255.255'],
  '100.64.0.0/10': ['100.64.0.0', '100.100.100.100', '100.127.255.255'],
  '127.0.0.0/8': ['127.0.0.1', '127.1.2.3', '127.255.255.255'],
  '169.254.0.0/16': ['169.254.0.0', '169.254.169.254', '169.254.255.255'],
  '172.16.0.0/12': ['172.16.0.0', '172.20.1.1', '172.31.255.255'],
  '192.0.0.0/24': ['192.0.0.0', '192.0.0.8', '192.0.0.255'],
  '192.0.2.0/24': ['192.0.2.0', '192.0.2.10', '192.0.2.255'],
  '192.88.99.0/24': ['192.88.99.0', '192.88.99.1', '192.88.99.255'],
  '192.168.0.0/16': ['192.168.0.0', '192.168.1.1', '192.168.255.255'],
  '198.18.0.0/15': ['198.18.0.0', '198.19.1.1', '198.19.255.255'],
  '198.51.100.0/24': ['198.51.100.0', '198.51.100.7', '198.51.100.255'],
  '203.0.113.0/24': ['203.0.113.0', '203.0.113.9', '203.0.113.255'],
  '224.0.0.0/4': ['224.0.0.0', '224.0.0.251', '239.255.255.255'],
  '240.0.0.0/4': ['240.0.0.0', '250.1.2.3', '255.255.255.255'],
};

const NOT_PUBLIC_IPV6: Record<string, string[]> = {
  '::/128': ['::'],
  '::1/128': ['::1', '0:0:0:0:0:0:0:1'],
  '100::/64': ['100::', '100::ffff:ffff:ffff:ffff'],
  '2001::/23': ['2001::', '2001:0:4136:e378::1', '2001:1ff:ffff::1'],
  '2001:db8::/32': ['2001:db8::', '2001:db8:ffff:ffff::1'],
  'fc00::/7': ['fc00::', 'fd12:3456:789a::1', 'fdff:ffff:ffff::1'],
  'fe80::/10': ['fe80::', 'fe80::1', 'febf:ffff::1'],
  'ff00::/8': ['ff00::', 'ff02::1', 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff'],
  'fec0::/10': ['fec0::1', 'feff:ffff::1'],
  '64:ff9b:1::/48': ['64:ff9b:1::1'],
  '3fff::/20': ['3fff::1', '3fff:fff:ffff::1'],
  '5f00::/16': ['5f00::1'],
};

const PUBLIC = [
  '1.1.1.1', '8.8.8.8', '9.255.255.255', '11.0.0.0', '100.63.255.255', '100.128.0.0', '126.255.255.255', '128.0.0.0',
  '169.253.255.255', '169.255.0.0', '172.15.255.255', '172.32.0.0', '192.0.1.1', '192.0.3.0', '192.88.98.255', '192.167.255.255',
  '192.169.0.0', '198.17.255.255', '198.20.0.0', '198.51.99.255', '203.0.112.255', '223.255.255.255',
  '2606:4700:4700::1111', '2001:4860:4860::8888', '2001:200::1', '2a00:1450:4001::1', '101::', '100:0:0:1::',
  'fbff:ffff::1', '3fff:1000::1', '2002:808:808::1',
];

describe('isPublicAddress', () => {
  for (const [range, addresses] of Object.entries({ ...NOT_PUBLIC_IPV4, ...NOT_PUBLIC_IPV6 })) {
    it(`refuses ${range}`, () => {
      for (const address of addresses) expect([address, isPublicAddress(address)]).toEqual([address, false]);
    });
  }

  it('takes public IPv4 and IPv6 addresses, those just beside the refused ranges included', () => {
    for (const address of PUBLIC) expect([address, isPublicAddress(address)]).toEqual([address, true]);
  });

  it('judges an IPv4-mapped address (::ffff:0:0/96) by the IPv4 address in it, in either notation', () => {
    for (const range of Object.values(NOT_PUBLIC_IPV4)) {
      for (const address of range) expect([address, isPublicAddress(`::ffff:${address}`)]).toEqual([address, false]);
    }
    expect(isPublicAddress('::ffff:7f00:1')).toBe(false);
    expect(isPublicAddress('::ffff:a9fe:a9fe')).toBe(false);
    expect(isPublicAddress('::ffff:8.8.8.8')).toBe(true);
    expect(isPublicAddress('::ffff:808:808')).toBe(true);
  });

  it('judges a NAT64 address (64:ff9b::/96) by the IPv4 address in it', () => {
    for (const range of Object.values(NOT_PUBLIC_IPV4)) {
      for (const address of range) expect([address, isPublicAddress(`64:ff9b::${address}`)]).toEqual([address, false]);
    }
    expect(isPublicAddress('64:ff9b::a00:1')).toBe(false);
    expect(isPublicAddress('64:ff9b::8.8.8.8')).toBe(true);
    expect(isPublicAddress('64:ff9b::808:808')).toBe(true);
  });

  it('refuses the deprecated IPv4-compatible addresses (::/96)', () => {
    expect(isPublicAddress('::127.0.0.1')).toBe(false);
    expect(isPublicAddress('::8.8.8.8')).toBe(false);
  });

  it('a name, or an address in a notation other than the standard one, is not public', () => {
    for (const text of ['', 'localhost', 'example.com', '2130706433', '0x7f.0.0.1', '127.1', '[::1]', '8.8.8.8:443', '1.2.3.4.5']) {
      expect([text, isPublicAddress(text)]).toEqual([text, false]);
    }
  });
});

/** publicAddressLookup's answer, as net.connect is given it. */
function lookup(hostname: string, options: { all?: boolean; family?: number }) {
  return new Promise<{ error: NodeJS.ErrnoException | null; address: string | LookupAddress[]; family?: number }>((resolve) => {
    publicAddressLookup(hostname, options, (error, address, family) => resolve({ error, address, family }));
  });
}

describe('publicAddressLookup', () => {
  it('refuses a name that resolves to a loopback address, naming the name and the address', async () => {
    const { error } = await lookup('localhost', { family: 4 });
    expect(error).toBeInstanceOf(NonPublicAddressError);
    expect(error).toMatchObject({ code: 'NON_PUBLIC_ADDRESS', message: 'localhost resolves to 127.0.0.1, which is not a public address' });
  });

  it('refuses it as well when asked for every address (all: true, as net.connect asks with autoSelectFamily)', async () => {
    const { error } = await lookup('localhost', { all: true });
    expect(error).toBeInstanceOf(NonPublicAddressError);
    expect(error?.message).toMatch(/^localhost resolves to (127\.0\.0\.1|::1), which is not a public address$/);
  });

  it('answers a public address in the shape asked for: one address and its family, or every address', async () => {
    // An IP literal resolves to itself without DNS, so this holds offline.
    expect(await lookup('8.8.8.8', {})).toEqual({ error: null, address: '8.8.8.8', family: 4 });
    expect(await lookup('2001:4860:4860::8888', { all: false })).toEqual({ error: null, address: '2001:4860:4860::8888', family: 6 });
    expect(await lookup('8.8.8.8', { all: true })).toEqual({ error: null, address: [{ address: '8.8.8.8', family: 4 }], family: undefined });
  });

  it('refuses a non-public literal in either shape', async () => {
    expect((await lookup('169.254.169.254', {})).error?.message).toBe('169.254.169.254 resolves to 169.254.169.254, which is not a public address');
    expect((await lookup('::1', { all: true })).error).toBeInstanceOf(NonPublicAddressError);
  });

  it('passes a failed resolution on as dns.lookup reports it', async () => {
    const { error } = await lookup('no-such-host.invalid', {});
    expect(error).not.toBeInstanceOf(NonPublicAddressError);
    expect(error?.code).toMatch(/^(ENOTFOUND|EAI_AGAIN)$/);
  });
});
