// Public surface of the outbound module: the SSRF address policy and the guarded HTTP client.

export {
  type AddressPolicy,
  type AddressPolicyOptions,
  type AddressVerdict,
  type AllowlistEntry,
  createAddressPolicy,
  parseAllowlist,
  parseAllowlistEntry,
} from './address-policy.ts'
export { type HostResolver, type ResolvedAddress, systemResolver } from './guarded-connector.ts'
export {
  assertUrlAllowed,
  createOutboundClient,
  DEFAULT_MAX_REDIRECTS,
  DEFAULT_MAX_RESPONSE_BYTES,
  type OutboundClient,
  type OutboundClientOptions,
  type OutboundMethod,
  type OutboundRequest,
  type OutboundResponse,
  type UrlCheck,
} from './guarded-fetch.ts'
export { OutboundError, type OutboundErrorKind } from './outbound-error.ts'
