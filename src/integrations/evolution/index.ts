/** The Evolution API (WhatsApp) client and its error type. */
export {
  type CallOptions,
  createEvolutionClient,
  type EvolutionClient,
  type EvolutionClientOptions,
  type EvolutionVersion,
  type NumberCheck,
  type SentMessage,
  typingDelayMs,
} from './client.ts'
export { EvolutionError, type EvolutionErrorKind, isTransient } from './errors.ts'
