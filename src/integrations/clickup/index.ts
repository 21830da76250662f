export { type ClickUpClient, ClickUpError, createClickUpClient } from './client.ts'
export {
  type ClickUpService,
  createClickUpService,
  EVENTS_QUEUE,
  RECONCILE_QUEUE,
  WEBHOOK_EVENTS,
  WRITEBACK_QUEUE,
} from './service.ts'
export { signBody, verifySignature } from './signature.ts'
