/** WhatsApp through Evolution: number input, the shared send limiter and the service the tools use. */
export { createWhatsAppFromConfig } from './create.ts'
export type { ReserveResult, WhatsAppLimiter } from './limiter.ts'
export { parseMessageText } from './message.ts'
export { displayNumber, normalisePhoneNumber } from './phone.ts'
export type { DirectSendResult, NumberStatus, WhatsAppService } from './service.ts'
