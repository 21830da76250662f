// Resolves hostnames and opens sockets only to addresses the policy allows (the connect-time SSRF guard).

import { lookup as dnsLookup } from 'node:dns/promises'
import { isIP, type LookupFunction } from 'node:net'
import { buildConnector } from 'undici'
import { type AddressPolicy, normalizeHostname } from './address-policy.ts'
import { BlockedAddressError } from './outbound-error.ts'

export interface ResolvedAddress {
  address: string
  family: 4 | 6
}

/** Resolves a hostname to every address it has. Injectable so tests can simulate DNS answers. */
export type HostResolver = (hostname: string) => Promise<ResolvedAddress[]>

/** The operating system resolver (`dns.lookup` with `all: true`, order as returned). */
export const systemResolver: HostResolver = async (hostname) => {
  const found = await dnsLookup(hostname, { all: true, order: 'verbatim' })
  return found.map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }))
}

export interface AllowedAddresses {
  /** The addresses that may be contacted (blocked ones are removed). */
  addresses: ResolvedAddress[]
  /** Why they are allowed, e.g. `public address 93.184.215.14`. */
  reason: string
}

/**
 * Resolves `hostname` (or takes it as is when it is an IP literal) and keeps only the addresses the
 * policy allows. A hostname admitted by a hostname allowlist entry keeps every address. Throws
 * BlockedAddressError when nothing is left, or the resolver's error when resolution fails.
 */
export async function resolveAllowedAddresses(
  hostname: string,
  policy: AddressPolicy,
  resolve: HostResolver = systemResolver,
): Promise<AllowedAddresses> {
  const host = normalizeHostname(hostname)
  const family = isIP(host)
  if (family === 4 || family === 6) {
    const verdict = policy.checkAddress(host)
    if (!verdict.allowed) throw new BlockedAddressError(verdict.reason)
    return { addresses: [{ address: host, family }], reason: verdict.reason }
  }

  const hostVerdict = policy.checkHostname(host)
  const resolved = await resolve(host)
  if (resolved.length === 0) {
    throw Object.assign(new Error(`${host} has no addresses`), { code: 'ENOTFOUND' })
  }
  if (hostVerdict) return { addresses: resolved, reason: hostVerdict.reason }

  const allowed: ResolvedAddress[] = []
  let firstBlocked: string | undefined
  for (const entry of resolved) {
    const verdict = policy.checkAddress(entry.address)
    if (verdict.allowed) allowed.push(entry)
    else firstBlocked ??= verdict.reason
  }
  if (allowed.length === 0) throw new BlockedAddressError(`${host} resolves to ${firstBlocked}`)
  return {
    addresses: allowed,
    reason: `${host} resolves to ${allowed.map((a) => a.address).join(', ')}`,
  }
}

/**
 * A `net.connect` lookup hook: Node calls it for every hostname it connects to, and it hands back
 * only allowed addresses, so the address actually connected to is the one that was checked.
 */
export function createGuardedLookup(policy: AddressPolicy, resolve: HostResolver): LookupFunction {
  return (hostname, options, callback) => {
    resolveAllowedAddresses(hostname, policy, resolve).then(
      ({ addresses }) => {
        const wanted =
          options.family === 4 || options.family === 'IPv4'
            ? 4
            : options.family === 6 || options.family === 'IPv6'
              ? 6
              : 0
        const list = wanted === 0 ? addresses : addresses.filter((a) => a.family === wanted)
        const first = list[0]
        // nextTick: never run net's callback inside this promise chain.
        if (!first) {
          const error = Object.assign(new Error(`${hostname} has no IPv${wanted} address`), {
            code: 'ENOTFOUND',
          })
          process.nextTick(callback, error, '')
        } else if (options.all) {
          process.nextTick(callback, null, list)
        } else {
          process.nextTick(callback, null, first.address, first.family)
        }
      },
      (error: NodeJS.ErrnoException) => process.nextTick(callback, error, ''),
    )
  }
}

export interface GuardedConnectorOptions {
  policy: AddressPolicy
  resolve: HostResolver
  /** Socket connect timeout in milliseconds. */
  connectTimeoutMs: number
}

/**
 * An undici connector that refuses blocked targets before any packet is sent: IP literals are
 * judged here (Node skips the lookup hook for them), hostnames in the lookup hook. As defence in
 * depth the peer address of every new socket is judged again before undici may use it.
 */
export function createGuardedConnector(options: GuardedConnectorOptions): buildConnector.connector {
  const { policy, resolve } = options
  const inner = buildConnector({
    lookup: createGuardedLookup(policy, resolve),
    timeout: options.connectTimeoutMs,
  })

  return (connectOptions, callback) => {
    const host = normalizeHostname(connectOptions.hostname)
    const literal = isIP(host) !== 0
    if (literal) {
      const verdict = policy.checkAddress(host)
      if (!verdict.allowed) {
        process.nextTick(() => callback(new BlockedAddressError(verdict.reason), null))
        return
      }
    }
    const trustedName = !literal && policy.checkHostname(host) !== undefined

    return inner(connectOptions, (error, socket) => {
      if (error !== null) {
        callback(error, null)
        return
      }
      if (!trustedName) {
        const peer = socket.remoteAddress
        const verdict = peer
          ? policy.checkAddress(peer)
          : { allowed: false, reason: 'unknown peer address' }
        if (!verdict.allowed) {
          socket.destroy()
          callback(new BlockedAddressError(verdict.reason), null)
          return
        }
      }
      callback(null, socket)
    })
  }
}
