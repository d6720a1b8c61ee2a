import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP, type LookupFunction } from 'node:net';

/** A connection refused because the host is, or resolves to, an address that is not public. */
export class NonPublicAddressError extends Error {
  readonly code = 'NON_PUBLIC_ADDRESS';
}

/**
 * IPv4 ranges that are not public: RFC 6890's special-purpose blocks as the IANA IPv4 Special-Purpose Address
 * Registry keeps them (https://www.iana.org/assignments/iana-ipv4-special-registry), the ones it does not mark
 * globally reachable, with multicast (224/4, RFC 5771) and the reserved 240/4 (RFC 1112, with 255.255.255.255).
 * 192.0.0.0/24 is refused whole, its two global /32s (RFC 7723, RFC 8155) included.
 */
const IPV4_RANGES: ReadonlyArray<readonly [string, number]> = [
  ['0.0.0.0', 8], // "this network" (RFC 791)
  ['10.0.0.0', 8], // private (RFC 1918)
  ['100.64.0.0', 10], // shared address space, carrier-grade NAT (RFC 6598)
  ['127.0.0.0', 8], // loopback (RFC 1122)
  ['169.254.0.0', 16], // link-local (RFC 3927), where cloud metadata services answer
  ['172.16.0.0', 12], // private (RFC 1918)
  ['192.0.0.0', 24], // IETF protocol assignments (RFC 6890)
  ['192.0.2.0', 24], // documentation, TEST-NET-1 (RFC 5737)
  ['192.88.99.0', 24], // 6to4 relay anycast, deprecated (RFC 7526)
  ['192.168.0.0', 16], // private (RFC 1918)
  ['198.18.0.0', 15], // benchmarking (RFC 2544)
  ['198.51.100.0', 24], // documentation, TEST-NET-2 (RFC 5737)
  ['203.0.113.0', 24], // documentation, TEST-NET-3 (RFC 5737)
  ['224.0.0.0', 4], // multicast (RFC 5771)
  ['240.0.0.0', 4], // reserved (RFC 1112), and limited broadcast (RFC 919)
];

/**
 * IPv6 ranges that are not public, from the IANA IPv6 Special-Purpose Address Registry
 * (https://www.iana.org/assignments/iana-ipv6-special-registry) and multicast. The whole of ::/96 goes: beside
 * the unspecified and loopback addresses it holds only the deprecated IPv4-compatible addresses (RFC 4291 §2.5.5.1).
 * 2001::/23 is refused whole, the few blocks in it that RFCs make global included.
 */
const IPV6_RANGES: ReadonlyArray<readonly [string, number]> = [
  ['::', 96], // unspecified ::/128 and loopback ::1/128 (RFC 4291), IPv4-compatible (deprecated)
  ['100::', 64], // discard-only (RFC 6666)
  ['64:ff9b:1::', 48], // local-use IPv4/IPv6 translation (RFC 8215)
  ['2001::', 23], // IETF protocol assignments (RFC 2928), Teredo's 2001::/32 (RFC 4380) among them
  ['2001:db8::', 32], // documentation (RFC 3849)
  ['3fff::', 20], // documentation (RFC 9637)
  ['5f00::', 16], // segment routing SIDs (RFC 9602)
  ['fc00::', 7], // unique local (RFC 4193)
  ['fe80::', 10], // link-local (RFC 4291)
  ['fec0::', 10], // site-local, deprecated (RFC 3879) but still scoped so where it is in use
  ['ff00::', 8], // multicast (RFC 4291)
];

/**
 * Prefixes whose last 32 bits are an IPv4 address that a connection reaches: IPv4-mapped ::ffff:0:0/96
 * (RFC 4291 §2.5.5.2) and the NAT64 well-known prefix 64:ff9b::/96 (RFC 6052). Such an address is as public
 * as the IPv4 address in it, so each IPv4 range is refused under them too.
 */
const IPV4_EMBEDDING_PREFIXES = ['::ffff:', '64:ff9b::'];

const notPublic = new BlockList();
for (const [network, prefix] of IPV4_RANGES) {
  notPublic.addSubnet(network, prefix, 'ipv4');
  for (const embedding of IPV4_EMBEDDING_PREFIXES) notPublic.addSubnet(`${embedding}${network}`, 96 + prefix, 'ipv6');
}
for (const [network, prefix] of IPV6_RANGES) notPublic.addSubnet(network, prefix, 'ipv6');

/**
 * Whether `ip` is an address on the public internet: not loopback, private, link-local, shared (CGNAT),
 * documentation, multicast or otherwise special-purpose (RFC 6890 and the IANA registries; see the ranges above).
 * Anything that is not an IP address in standard notation is not public.
 *
 * @example
 * isPublicAddress('8.8.8.8'); // true
 * isPublicAddress('169.254.169.254'); // false
 * isPublicAddress('::ffff:127.0.0.1'); // false: the IPv4 loopback address, mapped
 */
export function isPublicAddress(ip: string): boolean {
  const family = isIP(ip);
  if (family === 0) return false;
  return !notPublic.check(ip, family === 4 ? 'ipv4' : 'ipv6');
}

/**
 * A lookup for `net.connect` (an undici Agent's `connect.lookup`) that resolves as `dns.lookup` does and fails when
 * any address the name resolves to is not public: checking every address, not only the one connected to, leaves
 * nothing to a later pick (Node tries each in turn when `autoSelectFamily` is on, and calls the lookup with
 * `all: true` then). The check is made on the addresses connected to, so a name that resolves to a public
 * address when asked about and to a private one when connected to (DNS rebinding) gains nothing.
 */
export const publicAddressLookup: LookupFunction = (hostname, options, callback) => {
  dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
    // net.connect reads no address from a failed lookup.
    if (error) return callback(error, []);
    const refused = addresses.find((each) => !isPublicAddress(each.address));
    if (refused) return callback(new NonPublicAddressError(`${hostname} resolves to ${refused.address}, which is not a public address`), []);
    if (options.all) return callback(null, addresses);
    const first = addresses[0]!;
    return callback(null, first.address, first.family);
  });
};
