// Decides whether an outbound request may contact an IP address or hostname (SSRF guard).

import { domainToASCII } from 'node:url'
import {
  type Cidr,
  cidrContains,
  formatIpv4,
  type ParsedIp,
  parseCidr,
  parseIp,
  stripIpDecorations,
} from './ip-address.ts'

/** The outcome of a policy check; `reason` is safe to show to the caller. */
export interface AddressVerdict {
  allowed: boolean
  reason: string
}

/** One parsed allowlist entry. */
export type AllowlistEntry =
  /** Exact hostname, e.g. `api.internal`: admitted whatever it resolves to. */
  | { kind: 'hostname'; hostname: string; text: string }
  /** `*.corp.example`: admits any subdomain (any depth), not `corp.example` itself. */
  | { kind: 'wildcard'; suffix: string; text: string }
  /** CIDR or single address: admits addresses inside it. */
  | { kind: 'cidr'; cidr: Cidr; text: string }

export interface AddressPolicyOptions {
  /** Trusted targets: hostnames (`api.internal`, `*.corp.example`) or CIDRs (`10.0.0.0/8`, `::1`). */
  allowlist?: readonly string[]
}

export interface AddressPolicy {
  /** Judges an IP literal (brackets and zone ids are tolerated). */
  checkAddress(address: string): AddressVerdict
  /**
   * Returns an `allowed` verdict when a hostname entry of the allowlist admits `hostname`,
   * otherwise undefined: the caller must then resolve it and judge every address.
   */
  checkHostname(hostname: string): AddressVerdict | undefined
  readonly allowlist: readonly AllowlistEntry[]
}

interface BlockedRange {
  cidr: Cidr
  label: string
  source: string
}

function ranges(rows: ReadonlyArray<readonly [string, string, string]>): BlockedRange[] {
  return rows.map(([cidr, label, source]) => ({ cidr: parseCidr(cidr), label, source }))
}

// Order matters: the first match gives the reason, so specific entries come first.
const BLOCKED_V4 = ranges([
  ['169.254.169.254/32', 'cloud metadata address', 'instance metadata service'],
  ['100.100.100.200/32', 'cloud metadata address', 'Alibaba Cloud metadata service'],
  ['168.63.129.16/32', 'cloud metadata address', 'Azure WireServer'],
  ['0.0.0.0/8', 'unspecified address', 'RFC 1122 "this network"'],
  ['10.0.0.0/8', 'private address', 'RFC 1918'],
  ['100.64.0.0/10', 'carrier-grade NAT address', 'RFC 6598'],
  ['127.0.0.0/8', 'loopback address', 'RFC 1122'],
  ['169.254.0.0/16', 'link-local address', 'RFC 3927'],
  ['172.16.0.0/12', 'private address', 'RFC 1918'],
  ['192.0.0.0/24', 'IETF protocol assignment address', 'RFC 6890'],
  ['192.0.2.0/24', 'documentation address', 'RFC 5737 TEST-NET-1'],
  ['192.88.99.0/24', '6to4 relay anycast address', 'RFC 7526'],
  ['192.168.0.0/16', 'private address', 'RFC 1918'],
  ['198.18.0.0/15', 'benchmarking address', 'RFC 2544'],
  ['198.51.100.0/24', 'documentation address', 'RFC 5737 TEST-NET-2'],
  ['203.0.113.0/24', 'documentation address', 'RFC 5737 TEST-NET-3'],
  ['224.0.0.0/4', 'multicast address', 'RFC 5771'],
  ['255.255.255.255/32', 'broadcast address', 'RFC 919'],
  ['240.0.0.0/4', 'reserved address', 'RFC 1112'],
])

const BLOCKED_V6 = ranges([
  ['fd00:ec2::254/128', 'cloud metadata address', 'AWS instance metadata service'],
  ['::/128', 'unspecified address', 'RFC 4291'],
  ['::1/128', 'loopback address', 'RFC 4291'],
  ['64:ff9b:1::/48', 'local-use NAT64 address', 'RFC 8215'],
  ['100::/64', 'discard-only address', 'RFC 6666'],
  ['2001::/32', 'Teredo tunnel address', 'RFC 4380'],
  ['2001:2::/48', 'benchmarking address', 'RFC 5180'],
  ['2001:10::/28', 'ORCHID address', 'RFC 4843'],
  ['2001:20::/28', 'ORCHIDv2 address', 'RFC 7343'],
  ['2001:db8::/32', 'documentation address', 'RFC 3849'],
  ['3fff::/20', 'documentation address', 'RFC 9637'],
  ['fc00::/7', 'unique local address', 'RFC 4193'],
  ['fe80::/10', 'link-local address', 'RFC 4291'],
  ['fec0::/10', 'site-local address', 'RFC 3879, deprecated'],
  ['ff00::/8', 'multicast address', 'RFC 4291'],
])

/** Only 2000::/3 is global unicast; anything else left over is reserved. */
const GLOBAL_UNICAST_V6 = parseCidr('2000::/3')

/** IPv6 ranges that carry an IPv4 address: judged by the embedded IPv4. */
const EMBEDDING_V6: ReadonlyArray<{ cidr: Cidr; label: string; extract: (v: bigint) => bigint }> = [
  { cidr: parseCidr('::ffff:0:0/96'), label: 'IPv4-mapped IPv6 address', extract: low32 },
  { cidr: parseCidr('64:ff9b::/96'), label: 'NAT64 address', extract: low32 },
  { cidr: parseCidr('2002::/16'), label: '6to4 address', extract: (v) => (v >> 80n) & 0xffffffffn },
]

function low32(value: bigint): bigint {
  return value & 0xffffffffn
}

/** Parses the allowlist; throws an Error naming the first bad entry. */
export function parseAllowlist(entries: readonly string[]): AllowlistEntry[] {
  return entries.map(parseAllowlistEntry)
}

/** Parses one allowlist entry; throws an Error that names the entry and how to fix it. */
export function parseAllowlistEntry(entry: string): AllowlistEntry {
  const fail = (why: string): never => {
    throw new Error(`Invalid outbound allowlist entry "${entry}": ${why}`)
  }
  const text = entry.trim()
  if (text === '') fail('entry is empty')
  if (text.includes('://')) {
    fail('looks like a URL; list a bare hostname (api.internal) or a CIDR (10.0.0.0/8)')
  }
  if (text.includes('/') || parseIp(text) !== undefined) {
    try {
      return { kind: 'cidr', cidr: parseCidr(text), text }
    } catch (error) {
      return fail((error as Error).message)
    }
  }
  if (text.includes(':')) {
    if (/^[^:]+:\d+$/.test(text)) fail('ports are not supported; remove ":port"')
    fail('not a valid IPv6 address (write it without brackets, e.g. ::1 or fd00::/8)')
  }
  let name = text.toLowerCase()
  if (name.endsWith('.')) name = name.slice(0, -1)
  let wildcard = false
  if (name.startsWith('*.')) {
    wildcard = true
    name = name.slice(2)
  }
  if (name.includes('*')) fail('only a leading "*." wildcard is supported, e.g. *.corp.example')
  const ascii = domainToASCII(name)
  if (ascii === '' || ascii.length > 253) fail('not a valid hostname')
  const labels = ascii.split('.')
  for (const label of labels) {
    if (!/^[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?$/.test(label)) {
      fail(`label "${label}" is not a valid hostname label`)
    }
  }
  if (/^\d+$/.test(labels[labels.length - 1] ?? '')) {
    fail('looks like an incomplete IP address; use a full address or CIDR such as 10.0.0.0/8')
  }
  return wildcard
    ? { kind: 'wildcard', suffix: `.${ascii}`, text }
    : { kind: 'hostname', hostname: ascii, text }
}

/** Lower-cases a hostname and removes a trailing dot and IPv6 brackets. */
export function normalizeHostname(hostname: string): string {
  let name = stripIpDecorations(hostname.toLowerCase())
  if (name.endsWith('.')) name = name.slice(0, -1)
  return name
}

/** Builds the policy. Throws (naming the entry) when the allowlist has a bad entry. */
export function createAddressPolicy(options: AddressPolicyOptions = {}): AddressPolicy {
  const allowlist = parseAllowlist(options.allowlist ?? [])
  const cidrEntries = allowlist.filter((e) => e.kind === 'cidr')
  const hostEntries = allowlist.filter((e) => e.kind !== 'cidr')

  function judge(ip: ParsedIp, text: string): AddressVerdict {
    const admitted = cidrEntries.find((e) => cidrContains(e.cidr, ip))
    if (admitted)
      return { allowed: true, reason: `allow-listed address ${text} (entry ${admitted.text})` }

    if (ip.family === 6) {
      for (const embedding of EMBEDDING_V6) {
        if (!cidrContains(embedding.cidr, ip)) continue
        const v4 = embedding.extract(ip.value)
        const inner = judge({ family: 4, value: v4 }, formatIpv4(v4))
        return {
          allowed: inner.allowed,
          reason: `${embedding.label} ${text} embeds ${inner.reason}`,
        }
      }
    }

    const table = ip.family === 4 ? BLOCKED_V4 : BLOCKED_V6
    const hit = table.find((r) => cidrContains(r.cidr, ip))
    if (hit) return { allowed: false, reason: `${hit.label} ${text} (${hit.source})` }
    if (ip.family === 6 && !cidrContains(GLOBAL_UNICAST_V6, ip)) {
      return {
        allowed: false,
        reason: `reserved IPv6 address ${text} (outside global unicast 2000::/3)`,
      }
    }
    return { allowed: true, reason: `public address ${text}` }
  }

  return {
    allowlist,
    checkAddress(address) {
      const ip = parseIp(address)
      if (!ip) return { allowed: false, reason: `"${address}" is not an IP address` }
      return judge(ip, stripIpDecorations(address).toLowerCase())
    },
    checkHostname(hostname) {
      const name = normalizeHostname(hostname)
      const entry = hostEntries.find((e) =>
        e.kind === 'hostname' ? e.hostname === name : name.endsWith(e.suffix),
      )
      if (!entry) return undefined
      return { allowed: true, reason: `allow-listed hostname ${name} (entry ${entry.text})` }
    },
  }
}
