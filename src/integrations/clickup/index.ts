/** The ClickUp integration's public surface: the API client, the service, its queues and signing. */
export { type ClickUpClient, ClickUpError, createClickUpClient } from './client.ts'
export { EVENTS_QUEUE, RECONCILE_QUEUE, WRITEBACK_QUEUE } from './queues.ts'
export { type ClickUpService, createClickUpService } from './service.ts'
export { signBody, verifySignature } from './signature.ts'
export { CLICKUP_ERROR_TYPE, clickUpProblem } from './upstream.ts'
export { WEBHOOK_EVENTS } from './webhooks.ts'
