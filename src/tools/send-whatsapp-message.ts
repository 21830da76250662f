/** sendWhatsAppMessage: send a text now (only with EVOLUTION_*). */
import { z } from '@hono/zod-openapi'
import type { WhatsAppService } from '../integrations/whatsapp/index.ts'
import type { Clock } from '../time/clock.ts'
import { ProblemObject, problemResponses } from './http-schemas.ts'
import { NowOutput } from './outputs.ts'
import { defineTool, type ToolDeps } from './types.ts'
import { gatewayProblem } from './whatsapp-problems.ts'

const WORDS = {
  to: 'Phone number to send to, international form with country code, e.g. +55 11 99999-9999 or 5511999999999. Spaces, dashes and parentheses are fine.',
  message:
    'The text to send, as the recipient should read it (plain text, line breaks allowed, at most 4096 characters).',
  status:
    'sent: accepted for delivery; already_sent: an identical earlier call sent it, not sent again.',
  messageId: 'WhatsApp message id given by the gateway.',
  digits: 'The number, digits only.',
}
const EXAMPLES = { to: '+55 11 99999-9999', message: 'Hi Ana, your order has shipped.' }

const SendBody = z.object({
  to: z.string().max(40).openapi({ description: WORDS.to, example: EXAMPLES.to }),
  message: z.string().max(4096).openapi({ description: WORDS.message, example: EXAMPLES.message }),
})

const SendResponse = z
  .object({
    message_id: z
      .string()
      .nullable()
      .openapi({ description: WORDS.messageId, example: '3EB0C4A1B2C3D4E5' }),
    status: z.string().openapi({ description: WORDS.status, example: 'sent' }),
    to: z.string().openapi({ description: WORDS.digits, example: '5511999999999' }),
    now: z.string().openapi({ example: '2026-11-27T14:05:09.123Z' }),
  })
  .openapi('WhatsAppMessageSent')

function sendTool(whatsapp: WhatsAppService, clock: Clock) {
  return defineTool({
    name: 'sendWhatsAppMessage',
    title: 'Send a WhatsApp message now',
    description:
      'Sends a WhatsApp text message now. To send later or repeatedly, use scheduleWhatsAppMessage instead. Messages are spaced out to protect the sending number: when too many were sent recently you get 422 with retry_at (ISO time) and retry_after_seconds; send again after that time, or schedule it for then. An identical call (same number and text) shortly after an earlier one is not sent twice (status already_sent). 424: the WhatsApp gateway failed; its detail says whether to try again later or not to resend.',
    input: z.object({
      to: z
        .string()
        .max(40)
        .meta({ description: WORDS.to, examples: [EXAMPLES.to] }),
      message: z
        .string()
        .max(4096)
        .meta({ description: WORDS.message, examples: [EXAMPLES.message] }),
    }),
    output: z.object({
      message_id: z.string().nullable().meta({ description: WORDS.messageId }),
      status: z.enum(['sent', 'already_sent']).meta({ description: WORDS.status }),
      to: z.string().meta({ description: WORDS.digits }),
      now: NowOutput,
    }),
    // An identical call within the window is not sent again, but a later one is: not idempotent.
    annotations: {
      readOnlyHint: false,
      destructiveHint: false,
      idempotentHint: false,
      openWorldHint: true,
    },
    http: {
      method: 'post',
      path: '/whatsapp/messages',
      request: { body: { content: { 'application/json': { schema: SendBody } }, required: true } },
      responses: {
        200: {
          description: 'The message was accepted for delivery (or had been already)',
          content: { 'application/json': { schema: SendResponse } },
        },
        401: problemResponses[401],
        409: {
          description: 'An identical message is being sent or may already have been delivered',
          content: { 'application/problem+json': { schema: ProblemObject } },
        },
        422: problemResponses[422],
        424: gatewayProblem,
      },
    },
    summarize: ({ status, to }) =>
      status === 'sent'
        ? `The WhatsApp message to +${to} was accepted for delivery.`
        : `An identical message to +${to} was sent a moment ago; it was not sent again.`,
    handler: async (input, ctx) => ({
      ...(await whatsapp.sendNow({ ...input, requestedBy: ctx.actor.name })),
      now: clock.now().toISOString(),
    }),
  })
}

export function sendWhatsAppMessageTool({ whatsapp, clock }: ToolDeps) {
  return whatsapp ? sendTool(whatsapp, clock) : null
}
