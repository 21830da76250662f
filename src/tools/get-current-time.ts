/** getCurrentTime: agents do not know the current date, so they ask here first. */
import { z } from '@hono/zod-openapi'
import { describeNow } from '../scheduler/timing/index.ts'
import { defineTool, type ToolDeps } from './types.ts'

const TIMEZONE_WORDS =
  'IANA time zone to show the local time in, e.g. America/Sao_Paulo or Europe/Berlin (not abbreviations such as EST or CET, and not offsets). Leave empty for the server default.'

const TimeQuery = z.object({
  timezone: z.string().nullish().openapi({
    description: TIMEZONE_WORDS,
    example: 'America/Sao_Paulo',
  }),
})

const TimeResponse = z
  .object({
    now: z
      .string()
      .openapi({ description: 'Current time, UTC, ISO 8601', example: '2026-11-27T14:05:09.123Z' }),
    timezone: z.string().openapi({ example: 'America/Sao_Paulo' }),
    local: z.string().openapi({
      description: 'Local time, ISO 8601 with offset',
      example: '2026-11-27T11:05:09-03:00',
    }),
    utc_offset: z.string().openapi({ example: '-03:00' }),
    weekday: z.string().openapi({ example: 'Friday' }),
    human: z
      .string()
      .openapi({ example: 'Friday, 27 November 2026, 11:05 (America/Sao_Paulo, UTC-03:00)' }),
  })
  .openapi('CurrentTime')

const Output = z.object({
  now: z.string().meta({ description: 'Current time, UTC, ISO 8601.' }),
  timezone: z.string().meta({ description: 'The zone of `local`.' }),
  local: z.string().meta({ description: 'Local time, ISO 8601 with offset.' }),
  utc_offset: z.string().meta({ description: 'The offset of the zone now, e.g. -03:00.' }),
  weekday: z.string(),
  human: z.string().meta({
    description: 'The local date and time in words, e.g. Friday, 27 November 2026, 11:05.',
  }),
})

export function getCurrentTimeTool({ clock, defaultTimezone }: ToolDeps) {
  return defineTool({
    name: 'getCurrentTime',
    title: 'Get the current date and time',
    description:
      'Returns the current date and time in UTC and in a time zone. You do not know the current date or time: call this before reasoning about dates, "today", "tomorrow" or "next Monday", and before scheduling anything at an absolute time.',
    input: z.object({
      timezone: z
        .string()
        .max(100)
        .optional()
        .meta({
          description: TIMEZONE_WORDS,
          examples: ['America/Sao_Paulo'],
        }),
    }),
    output: Output,
    annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
    http: {
      method: 'get',
      path: '/time',
      request: { query: TimeQuery },
      responses: {
        200: {
          description: 'The current time',
          content: { 'application/json': { schema: TimeResponse } },
        },
      },
    },
    summarize: (time) => `It is ${time.human}.`,
    async handler(input: { timezone?: string | null }) {
      // describeNow refuses unknown zones and abbreviations ("EST") with a hint naming the IANA zone.
      return describeNow(clock.now(), input.timezone?.trim() || defaultTimezone)
    },
  })
}
