/** The getCurrentTime tool: agents do not know the current date, so they ask here first. */
import { z } from '@hono/zod-openapi'
import { createRouter, protectedRoute } from '../http/router.ts'
import { describeNow } from '../scheduler/timing/index.ts'

export interface TimeRoutesDeps {
  defaultTimezone: string
}

const TimeQuery = z.object({
  timezone: z.string().nullish().openapi({
    description:
      'IANA time zone to show the local time in, e.g. America/Sao_Paulo or Europe/Berlin (not abbreviations such as EST or CET, and not offsets). Leave empty for the server default.',
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

export const getCurrentTimeRoute = protectedRoute({
  method: 'get',
  path: '/time',
  operationId: 'getCurrentTime',
  summary: 'Get the current date and time',
  description:
    'Returns the current date and time in UTC and in a time zone. You do not know the current date or time: call this before reasoning about dates, "today", "tomorrow" or "next Monday", and before scheduling anything at an absolute time.',
  request: { query: TimeQuery },
  responses: {
    200: {
      description: 'The current time',
      content: { 'application/json': { schema: TimeResponse } },
    },
  },
})

export function createTimeRoutes(deps: TimeRoutesDeps) {
  return createRouter().openapi(getCurrentTimeRoute, (c) => {
    const { timezone } = c.req.valid('query')
    const requested = timezone?.trim() || deps.defaultTimezone
    c.header('Cache-Control', 'no-store')
    // describeNow refuses unknown zones and abbreviations ("EST") with a hint naming the IANA zone.
    return c.json(describeNow(c.get('clock').now(), requested), 200)
  })
}
