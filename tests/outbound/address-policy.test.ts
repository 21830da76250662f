import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { createAddressPolicy, parseAllowlist } from '../../src/outbound/index.ts'

const BLOCKED: ReadonlyArray<readonly [address: string, reason: string]> = [
  ['127.0.0.1', 'loopback address 127.0.0.1 (RFC 1122)'],
  ['127.255.255.254', 'loopback address'],
  ['::1', 'loopback address ::1'],
  ['[::1]', 'loopback address ::1'],
  ['0.0.0.0', 'unspecified address'],
  ['0.1.2.3', 'unspecified address'],
  ['::', 'unspecified address'],
  ['10.0.0.1', 'private address 10.0.0.1 (RFC 1918)'],
  ['10.255.255.255', 'private address'],
  ['172.16.0.1', 'private address'],
  ['172.31.255.255', 'private address'],
  ['192.168.1.1', 'private address 192.168.1.1 (RFC 1918)'],
  ['169.254.1.1', 'link-local address'],
  ['fe80::1', 'link-local address'],
  ['fe80::1%eth0', 'link-local address'],
  ['febf::1', 'link-local address'],
  ['100.64.0.1', 'carrier-grade NAT address'],
  ['100.127.255.255', 'carrier-grade NAT address'],
  ['169.254.169.254', 'cloud metadata address 169.254.169.254'],
  ['fd00:ec2::254', 'cloud metadata address fd00:ec2::254'],
  ['100.100.100.200', 'cloud metadata address 100.100.100.200'],
  ['168.63.129.16', 'cloud metadata address'],
  ['fc00::1', 'unique local address'],
  ['fd12:3456::1', 'unique local address'],
  ['224.0.0.1', 'multicast address'],
  ['239.255.255.250', 'multicast address'],
  ['ff02::1', 'multicast address'],
  ['240.0.0.1', 'reserved address'],
  ['255.255.255.255', 'broadcast address'],
  ['198.18.0.1', 'benchmarking address'],
  ['198.19.255.255', 'benchmarking address'],
  ['2001:2::1', 'benchmarking address'],
  ['192.0.2.1', 'documentation address'],
  ['198.51.100.1', 'documentation address'],
  ['203.0.113.1', 'documentation address'],
  ['2001:db8::1', 'documentation address'],
  ['3fff::1', 'documentation address'],
  ['192.0.0.8', 'IETF protocol assignment address'],
  ['192.88.99.1', '6to4 relay anycast address'],
  ['::ffff:10.0.0.1', 'IPv4-mapped IPv6 address ::ffff:10.0.0.1 embeds private address 10.0.0.1'],
  ['::ffff:7f00:1', 'embeds loopback address 127.0.0.1'],
  ['::ffff:169.254.169.254', 'embeds cloud metadata address 169.254.169.254'],
  ['64:ff9b::10.0.0.1', 'NAT64 address 64:ff9b::10.0.0.1 embeds private address 10.0.0.1'],
  ['64:ff9b::a9fe:a9fe', 'embeds cloud metadata address 169.254.169.254'],
  ['64:ff9b:1::1', 'local-use NAT64 address'],
  ['2002:a00:1::1', '6to4 address 2002:a00:1::1 embeds private address 10.0.0.1'],
  ['2002:7f00:1::', 'embeds loopback address 127.0.0.1'],
  ['2001::1', 'Teredo tunnel address'],
  ['100::1', 'discard-only address'],
  ['fec0::1', 'site-local address'],
  ['::10.0.0.1', 'reserved IPv6 address'],
  ['4000::1', 'reserved IPv6 address'],
]

const ALLOWED: readonly string[] = [
  '8.8.8.8',
  '1.1.1.1',
  '11.0.0.1',
  '172.32.0.1',
  '100.128.0.1',
  '198.20.0.1',
  '2606:4700:4700::1111',
  '::ffff:8.8.8.8',
  '64:ff9b::808:808',
  '2002:808:808::1',
]

describe('address policy defaults', () => {
  const policy = createAddressPolicy()

  for (const [address, reason] of BLOCKED) {
    it(`blocks ${address} with a reason naming the range`, () => {
      const verdict = policy.checkAddress(address)
      assert.equal(verdict.allowed, false)
      assert.ok(verdict.reason.includes(reason), `reason was: ${verdict.reason}`)
    })
  }

  for (const address of ALLOWED) {
    it(`allows the public address ${address}`, () => {
      const verdict = policy.checkAddress(address)
      assert.equal(verdict.allowed, true, verdict.reason)
    })
  }

  it('gives the exact documented reason for an RFC 1918 address', () => {
    assert.deepEqual(policy.checkAddress('10.0.0.1'), {
      allowed: false,
      reason: 'private address 10.0.0.1 (RFC 1918)',
    })
  })

  it('refuses text that is not an IP address', () => {
    const verdict = policy.checkAddress('example.com')
    assert.equal(verdict.allowed, false)
    assert.match(verdict.reason, /not an IP address/)
  })

  it('admits no hostname when the allowlist is empty', () => {
    assert.equal(policy.checkHostname('localhost'), undefined)
    assert.equal(policy.checkHostname('example.com'), undefined)
  })
})

describe('address policy allowlist', () => {
  it('admits addresses inside an allow-listed CIDR and names the entry', () => {
    const policy = createAddressPolicy({ allowlist: ['10.0.0.0/8'] })
    const verdict = policy.checkAddress('10.1.2.3')
    assert.equal(verdict.allowed, true)
    assert.match(verdict.reason, /10\.0\.0\.0\/8/)
    assert.equal(policy.checkAddress('192.168.1.1').allowed, false)
  })

  it('admits the IPv4-mapped form of an address inside an allow-listed IPv4 CIDR', () => {
    const policy = createAddressPolicy({ allowlist: ['10.0.0.0/8'] })
    assert.equal(policy.checkAddress('::ffff:10.0.0.1').allowed, true)
  })

  it('treats a bare address entry as a single-address network', () => {
    const policy = createAddressPolicy({ allowlist: ['192.168.1.5'] })
    assert.equal(policy.checkAddress('192.168.1.5').allowed, true)
    assert.equal(policy.checkAddress('192.168.1.6').allowed, false)
  })

  it('admits only 127.0.0.1 when 127.0.0.1/32 is allow-listed', () => {
    const policy = createAddressPolicy({ allowlist: ['127.0.0.1/32'] })
    assert.equal(policy.checkAddress('127.0.0.1').allowed, true)
    assert.equal(policy.checkAddress('127.0.0.2').allowed, false)
  })

  it('admits ::1 when ::1/128 is allow-listed', () => {
    const policy = createAddressPolicy({ allowlist: ['::1/128'] })
    assert.equal(policy.checkAddress('::1').allowed, true)
    assert.equal(policy.checkAddress('fe80::1').allowed, false)
  })

  it('admits an exact hostname entry regardless of case and a trailing dot', () => {
    const policy = createAddressPolicy({ allowlist: ['api.internal'] })
    assert.equal(policy.checkHostname('api.internal')?.allowed, true)
    assert.equal(policy.checkHostname('API.Internal.')?.allowed, true)
    assert.equal(policy.checkHostname('x.api.internal'), undefined)
    assert.equal(policy.checkHostname('api.internal.evil.example'), undefined)
  })

  it('admits subdomains of a wildcard entry but not the bare domain', () => {
    const policy = createAddressPolicy({ allowlist: ['*.corp.example'] })
    assert.match(policy.checkHostname('a.corp.example')?.reason ?? '', /\*\.corp\.example/)
    assert.equal(policy.checkHostname('a.b.corp.example')?.allowed, true)
    assert.equal(policy.checkHostname('corp.example'), undefined)
    assert.equal(policy.checkHostname('evilcorp.example'), undefined)
  })

  it('does not let a hostname entry admit IP addresses', () => {
    const policy = createAddressPolicy({ allowlist: ['localhost'] })
    assert.equal(policy.checkAddress('127.0.0.1').allowed, false)
  })

  it('parses each entry into its kind', () => {
    const entries = parseAllowlist(['api.internal', '*.corp.example', ' 10.0.0.0/8 ', 'fd00::/8'])
    assert.deepEqual(
      entries.map((e) => e.kind),
      ['hostname', 'wildcard', 'cidr', 'cidr'],
    )
  })

  const BAD_ENTRIES: ReadonlyArray<readonly [entry: string, hint: RegExp]> = [
    ['', /empty/],
    ['   ', /empty/],
    ['http://api.internal', /looks like a URL/],
    ['localhost:8080', /ports are not supported/],
    ['10.0.0.1/8', /did you mean "10\.0\.0\.0\/8"/],
    ['10.0.0.0/33', /prefix length/],
    ['::1/129', /prefix length/],
    ['10.0.0.0/abc', /prefix length/],
    ['999.1.1.1/8', /not a valid IP address/],
    ['fe80::zz', /not a valid IPv6 address/],
    ['[::1]', /not a valid IP address/],
    ['*', /wildcard/],
    ['foo.*.example', /wildcard/],
    ['bad host.example', /not a valid hostname/],
    ['-bad.example', /not a valid hostname label/],
    ['10.0.0', /incomplete IP address/],
  ]

  for (const [entry, hint] of BAD_ENTRIES) {
    it(`rejects the allowlist entry ${JSON.stringify(entry)} with an error naming it`, () => {
      assert.throws(
        () => parseAllowlist(['api.internal', entry]),
        (error: Error) => {
          assert.ok(error.message.includes(`"${entry}"`), error.message)
          assert.match(error.message, hint)
          return true
        },
      )
    })
  }

  it('refuses to create a policy from an allowlist with a bad entry', () => {
    assert.throws(() => createAddressPolicy({ allowlist: ['ftp://x'] }), /"ftp:\/\/x"/)
  })
})
