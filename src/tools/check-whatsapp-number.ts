/** checkWhatsAppNumber: whether one number has WhatsApp (only with EVOLUTION_*). */
import { z } from '@hono/zod-openapi'
import type { WhatsAppService } from '../integrations/whatsapp/index.ts'
import type { Clock } from '../time/clock.ts'
import { problemResponses } from './http-schemas.ts'
import { NowOutput } from './outputs.ts'
import { defineTool, type ToolDeps } from './types.ts'
import { gatewayProblem } from './whatsapp-problems.ts'

const WORDS = {
  number: 'Phone number with country code, digits only, e.g. 5511999999999.',
  digits: 'The number, digits only.',
  exists: 'True when the number has WhatsApp.',
}

const NumberParams = z.object({
  number: z
    .string()
    .max(40)
    .openapi({
      param: { name: 'number', in: 'path' },
      description: WORDS.number,
      example: '5511999999999',
    }),
})

const NumberResponse = z
  .object({
    number: z.string().openapi({ description: WORDS.digits, example: '5511999999999' }),
    exists: z.boolean().openapi({ description: WORDS.exists }),
    now: z.string().openapi({ example: '2026-11-27T14:05:09.123Z' }),
  })
  .openapi('WhatsAppNumber')

function checkTool(whatsapp: WhatsAppService, clock: Clock) {
  return defineTool({
    name: 'checkWhatsAppNumber',
    title: 'Check whether a number is on WhatsApp',
    description:
      'Checks whether one phone number has WhatsApp. Scheduling and sending check the number already, so use this only when the user asks. Never check lists of numbers: bulk checks can get the sending number banned.',
    input: z.object({
      number: z
        .string()
        .max(40)
        .meta({ description: WORDS.number, examples: ['5511999999999'] }),
    }),
    output: z.object({
      number: z.string().meta({ description: WORDS.digits }),
      exists: z.boolean().meta({ description: WORDS.exists }),
      now: NowOutput,
    }),
    annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: true },
    http: {
      method: 'get',
      path: '/whatsapp/numbers/{number}',
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
    },
    summarize: ({ number, exists }) =>
      exists ? `+${number} has WhatsApp.` : `+${number} is not on WhatsApp.`,
    handler: async (input) => ({
      ...(await whatsapp.checkNumber(input.number)),
      now: clock.now().toISOString(),
    }),
  })
}

export function checkWhatsAppNumberTool({ whatsapp, clock }: ToolDeps) {
  return whatsapp ? checkTool(whatsapp, clock) : null
}
