/** The direct WhatsApp tools: send a message now, and check whether a number is on WhatsApp. */
import { z } from '@hono/zod-openapi'
import { createRouter, protectedRoute } from '../http/router.ts'
import type { WhatsAppService } from '../integrations/whatsapp/index.ts'
import { ProblemObject, problemResponses } from './scheduling-schemas.ts'

export interface WhatsAppRoutesDeps {
  whatsapp: WhatsAppService
}

const SendBody = z.object({
  to: z.string().max(40).openapi({
    description:
      'Phone number to send to, international form with country code, e.g. +55 11 99999-9999 or 5511999999999. Spaces, dashes and parentheses are fine.',
    example: '+55 11 99999-9999',
  }),
  message: z.string().max(4096).openapi({
    description:
      'The text to send, as the recipient should read it (plain text, line breaks allowed, at most 4096 characters).',
    example: 'Hi Ana, your order has shipped.',
  }),
})

const SendResponse = z
  .object({
    message_id: z.string().nullable().openapi({
      description: 'WhatsApp message id given by the gateway.',
      example: '3EB0C4A1B2C3D4E5',
    }),
    status: z.string().openapi({
      description:
        'sent: accepted for delivery; already_sent: an identical earlier call sent it, not sent again.',
      example: 'sent',
    }),
    to: z.string().openapi({ description: 'The number, digits only.', example: '5511999999999' }),
    now: z.string().openapi({ example: '2026-11-27T14:05:09.123Z' }),
  })
  .openapi('WhatsAppMessageSent')

const NumberParams = z.object({
  number: z
    .string()
    .max(40)
    .openapi({
      param: { name: 'number', in: 'path' },
      description: 'Phone number with country code, digits only, e.g. 5511999999999.',
      example: '5511999999999',
    }),
})

const NumberResponse = z
  .object({
    number: z
      .string()
      .openapi({ description: 'The number, digits only.', example: '5511999999999' }),
    exists: z.boolean().openapi({ description: 'True when the number has WhatsApp.' }),
    now: z.string().openapi({ example: '2026-11-27T14:05:09.123Z' }),
  })
  .openapi('WhatsAppNumber')

const gatewayProblem = {
  description:
    'The WhatsApp gateway failed or is not reachable; detail says whether to try again later',
  content: { 'application/problem+json': { schema: ProblemObject } },
}

export const sendWhatsAppMessageRoute = protectedRoute({
  method: 'post',
  path: '/whatsapp/messages',
  operationId: 'sendWhatsAppMessage',
  summary: 'Send a WhatsApp message now',
  description:
    'Sends a WhatsApp text message now. To send later or repeatedly, use scheduleWhatsAppMessage instead. Messages are spaced out to protect the sending number: when too many were sent recently you get 422 with retry_at (ISO time) and retry_after_seconds; send again after that time, or schedule it for then. An identical call (same number and text) shortly after an earlier one is not sent twice (status already_sent). 424: the WhatsApp gateway failed; its detail says whether to try again later or not to resend.',
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
})

export const checkWhatsAppNumberRoute = protectedRoute({
  method: 'get',
  path: '/whatsapp/numbers/{number}',
  operationId: 'checkWhatsAppNumber',
  summary: 'Check whether a number is on WhatsApp',
  description:
    'Checks whether one phone number has WhatsApp. Scheduling and sending check the number already, so use this only when the user asks. Never check lists of numbers: bulk checks can get the sending number banned.',
  request: { params: NumberParams },
  responses: {
    200: {
      description: 'Whether the number is on WhatsApp',
      content: { 'application/json': { schema: NumberResponse } },
    },
    401: problemResponses[401],
    422: problemResponses[422],
    424: gatewayProblem,
  },
})

export function createWhatsAppRoutes({ whatsapp }: WhatsAppRoutesDeps) {
  return createRouter()
    .openapi(sendWhatsAppMessageRoute, async (c) => {
      const { to, message } = c.req.valid('json')
      const result = await whatsapp.sendNow({
        to,
        message,
        requestedBy: c.get('apiKeyName') ?? 'anonymous',
      })
      return c.json({ ...result, now: c.get('clock').now().toISOString() }, 200)
    })
    .openapi(checkWhatsAppNumberRoute, async (c) => {
      const { number } = c.req.valid('param')
      const result = await whatsapp.checkNumber(number)
      c.header('Cache-Control', 'no-store')
      return c.json({ ...result, now: c.get('clock').now().toISOString() }, 200)
    })
}
