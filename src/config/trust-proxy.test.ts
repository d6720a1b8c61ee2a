import { describe, expect, it } from 'vitest';
import { ConfigError } from './config-error.js';
import { trustProxy } from './trust-proxy.js';

function refused(value: string): ConfigError {
  try {
    trustProxy({ TRUST_PROXY: value });
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error(`TRUST_PROXY=${value} was accepted`);
}

describe('TRUST_PROXY', () => {
  it('is false when unset, empty or "false"', () => {
    expect(trustProxy({})).toBe(false);
    expect(trustProxy({ TRUST_PROXY: '' })).toBe(false);
    expect(trustProxy({ TRUST_PROXY: ' False ' })).toBe(false);
  });

  it('takes true, a hop count, or a list of addresses, CIDRs and named ranges', () => {
    expect(trustProxy({ TRUST_PROXY: 'true' })).toBe(true);
    expect(trustProxy({ TRUST_PROXY: '2' })).toBe(2);
    expect(trustProxy({ TRUST_PROXY: '127.0.0.1' })).toEqual(['127.0.0.1']);
    expect(trustProxy({ TRUST_PROXY: '10.0.0.0/8, ::1 ,fd00::/8,loopback' })).toEqual(['10.0.0.0/8', '::1', 'fd00::/8', 'loopback']);
  });

  it('refuses anything else with one line naming the variable and the bad entry', () => {
    expect(refused('yes').message).toBe(
      'Configuration error: TRUST_PROXY must be false, true, a hop count from 1 to 20, or a comma-separated list of proxy addresses and CIDRs such as 127.0.0.1,10.0.0.0/8 ("yes" is not an IP address or CIDR in "yes")',
    );
    expect(refused('0').message).toContain('(got "0")');
    expect(refused('21').message).toContain('(got "21")');
    expect(refused('10.0.0.0/33').message).toContain('"10.0.0.0/33" is not an IP address or CIDR');
    expect(refused('::1/129').message).toContain('"::1/129" is not an IP address or CIDR');
    expect(refused('10.0.0.1,,10.0.0.2').message).toContain('an empty entry');
    expect(refused('proxy.internal').variable).toBe('TRUST_PROXY');
    expect(refused('256.1.1.1').message).not.toContain('\n');
  });
});
