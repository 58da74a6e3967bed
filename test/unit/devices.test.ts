// What the account pages say of where a sign-in came from.
import assert from 'node:assert/strict';
import { networkOf } from '../../src/authn/devices.ts';

describe('networkOf', () => {
  it('keeps an address only as its network prefix', () => {
    assert.equal(networkOf('192.0.2.77'), '192.0.2.0/24');
    assert.equal(networkOf('2001:db8:42:1::7'), '2001:db8:42::/48');
  });

  it('reads an IPv4 client of a dual-stack server as IPv4', () => {
    assert.equal(networkOf('::ffff:192.0.2.77'), '192.0.2.0/24');
  });
});
