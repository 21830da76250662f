// Parses IPv4/IPv6 literals into integers and matches them against CIDR ranges.

import { isIPv4, isIPv6 } from 'node:net'

/** An IP address as a 32-bit (IPv4) or 128-bit (IPv6) unsigned integer. */
export interface ParsedIp {
  family: 4 | 6
  value: bigint
}

/** A network: every address whose first `prefix` bits equal those of `base`. */
export interface Cidr {
  family: 4 | 6
  base: bigint
  prefix: number
  /** Canonical text, e.g. `10.0.0.0/8`. */
  text: string
}

const BITS = { 4: 32, 6: 128 } as const

/** Removes surrounding brackets (`[::1]`) and an IPv6 zone id (`fe80::1%eth0`). */
export function stripIpDecorations(text: string): string {
  let out = text
  if (out.startsWith('[') && out.endsWith(']')) out = out.slice(1, -1)
  const zone = out.indexOf('%')
  if (zone !== -1 && isIPv6(out.slice(0, zone))) out = out.slice(0, zone)
  return out
}

/** Returns the parsed address, or undefined when `text` is not an IP literal. */
export function parseIp(text: string): ParsedIp | undefined {
  const bare = stripIpDecorations(text)
  if (isIPv4(bare)) return { family: 4, value: BigInt(ipv4ToNumber(bare)) }
  if (isIPv6(bare)) return { family: 6, value: ipv6ToBigInt(bare) }
  return undefined
}

function ipv4ToNumber(text: string): number {
  let n = 0
  for (const part of text.split('.')) n = n * 256 + Number(part)
  return n
}

function ipv6ToBigInt(text: string): bigint {
  let source = text
  const lastColon = source.lastIndexOf(':')
  const tail = source.slice(lastColon + 1)
  if (tail.includes('.')) {
    // Embedded dotted quad (e.g. ::ffff:10.0.0.1): rewrite it as two hex groups.
    const v4 = ipv4ToNumber(tail)
    source = `${source.slice(0, lastColon + 1)}${(v4 >>> 16).toString(16)}:${(v4 & 0xffff).toString(16)}`
  }
  const halves = source.split('::')
  const head = halves[0] ? halves[0].split(':') : []
  const rest = halves.length > 1 && halves[1] ? halves[1].split(':') : []
  const groups =
    halves.length > 1
      ? [...head, ...Array<string>(8 - head.length - rest.length).fill('0'), ...rest]
      : head
  let value = 0n
  for (const group of groups) value = (value << 16n) | BigInt(Number.parseInt(group, 16))
  return value
}

/** Formats an IPv4 integer as a dotted quad. */
export function formatIpv4(value: bigint): string {
  const n = Number(value)
  return [n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff].join('.')
}

/** Formats an IPv6 integer in RFC 5952 canonical form (lower case, longest zero run as `::`). */
export function formatIpv6(value: bigint): string {
  const groups: number[] = []
  for (let shift = 112n; shift >= 0n; shift -= 16n) groups.push(Number((value >> shift) & 0xffffn))
  // Compress the longest run of two or more zero groups (RFC 5952).
  let bestStart = -1
  let bestLength = 0
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++
      continue
    }
    let j = i
    while (j < 8 && groups[j] === 0) j++
    if (j - i > bestLength && j - i >= 2) {
      bestStart = i
      bestLength = j - i
    }
    i = j
  }
  const hex = groups.map((g) => g.toString(16))
  if (bestStart === -1) return hex.join(':')
  const left = hex.slice(0, bestStart).join(':')
  const right = hex.slice(bestStart + bestLength).join(':')
  return `${left}::${right}`
}

/**
 * Parses `a.b.c.d/n`, `v6/n` or a bare address (a /32 or /128 network).
 * Throws a plain Error with a readable message when the text is not a valid CIDR.
 */
export function parseCidr(text: string): Cidr {
  const slash = text.indexOf('/')
  const addressText = slash === -1 ? text : text.slice(0, slash)
  const ip = parseIp(addressText)
  if (!ip || addressText !== stripIpDecorations(addressText)) {
    throw new Error(`"${text}" is not a valid IP address or CIDR range`)
  }
  const bits = BITS[ip.family]
  let prefix: number = bits
  if (slash !== -1) {
    const prefixText = text.slice(slash + 1)
    if (!/^\d{1,3}$/.test(prefixText) || Number(prefixText) > bits) {
      throw new Error(`"${text}" has an invalid prefix length; use 0-${bits}`)
    }
    prefix = Number(prefixText)
  }
  const hostBits = BigInt(bits - prefix)
  const base = (ip.value >> hostBits) << hostBits
  if (base !== ip.value) {
    const fixed = `${ip.family === 4 ? formatIpv4(base) : formatIpv6(base)}/${prefix}`
    throw new Error(`"${text}" has host bits set; did you mean "${fixed}"?`)
  }
  const canonical = ip.family === 4 ? formatIpv4(base) : formatIpv6(base)
  return { family: ip.family, base, prefix, text: `${canonical}/${prefix}` }
}

/** True when `ip` lies inside `cidr` (families must match). */
export function cidrContains(cidr: Cidr, ip: ParsedIp): boolean {
  if (cidr.family !== ip.family) return false
  const hostBits = BigInt(BITS[cidr.family] - cidr.prefix)
  return ip.value >> hostBits === cidr.base >> hostBits
}
