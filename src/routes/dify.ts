/** The listDifyApps tool: which Dify apps scheduleDifyRun can run, with their modes and input variables. */
import { z } from '@hono/zod-openapi'
import { createRouter, protectedRoute } from '../http/router.ts'
import type { DifyCatalog } from '../integrations/dify/index.ts'
import { problemResponses } from './scheduling-schemas.ts'

export interface DifyRoutesDeps {
  catalog: DifyCatalog
}

const InputVariable = z.object({
  variable: z.string().openapi({ description: 'Key to use in inputs', example: 'city' }),
  type: z.string().openapi({
    description: 'Dify control type: text-input, paragraph, select, number, file, …',
    example: 'text-input',
  }),
  required: z.boolean(),
  label: z.string().nullable(),
  options: z.array(z.string()).optional().openapi({ description: 'Allowed values of a select' }),
})

const DifyAppObject = z.object({
  name: z.string().openapi({ description: 'Value for the app field of scheduleDifyRun' }),
  mode: z.string().openapi({
    description: 'workflow, chat, agent or completion (chat and agent apps need query)',
  }),
  description: z.string().optional(),
  inputs: z.array(InputVariable).optional().openapi({
    description: 'Input variables; missing when Dify could not be asked just now',
  }),
})

const DifyAppsResponse = z
  .object({ apps: z.array(DifyAppObject), now: z.string() })
  .openapi('DifyApps')

export const listDifyAppsRoute = protectedRoute({
  method: 'get',
  path: '/dify/apps',
  operationId: 'listDifyApps',
  summary: 'List the Dify apps that can be scheduled',
  description:
    'Lists the Dify apps scheduleDifyRun can run: name, mode (workflow, chat, agent, completion), description and input variables (name, type, required). Call it before scheduleDifyRun to get the exact app name and which inputs to send; chat and agent apps also need a query.',
  responses: {
    200: {
      description: 'The configured Dify apps',
      content: { 'application/json': { schema: DifyAppsResponse } },
    },
    401: problemResponses[401],
  },
})

export function createDifyRoutes(deps: DifyRoutesDeps) {
  return createRouter().openapi(listDifyAppsRoute, async (c) => {
    const apps = await deps.catalog.describeApps()
    c.header('Cache-Control', 'no-store')
    return c.json({ apps, now: c.get('clock').now().toISOString() }, 200)
  })
}
