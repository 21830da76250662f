/** listDifyApps: the Dify apps scheduleDifyRun can run (only with DIFY_APPS). */
import { z } from '@hono/zod-openapi'
import type { DifyCatalog } from '../integrations/dify/index.ts'
import type { Clock } from '../time/clock.ts'
import { problemResponses } from './http-schemas.ts'
import { NowOutput } from './outputs.ts'
import { defineTool, type ToolDeps } from './types.ts'

const WORDS = {
  variable: 'Key to use in inputs',
  type: 'Dify control type: text-input, paragraph, select, number, file, …',
  options: 'Allowed values of a select',
  name: 'Value for the app field of scheduleDifyRun',
  mode: 'workflow, chat, agent or completion (chat and agent apps need query)',
  inputs: 'Input variables; missing when Dify could not be asked just now',
}

const InputVariable = z.object({
  variable: z.string().openapi({ description: WORDS.variable, example: 'city' }),
  type: z.string().openapi({ description: WORDS.type, example: 'text-input' }),
  required: z.boolean(),
  label: z.string().nullable(),
  options: z.array(z.string()).optional().openapi({ description: WORDS.options }),
})

const DifyAppObject = z.object({
  name: z.string().openapi({ description: WORDS.name }),
  mode: z.string().openapi({ description: WORDS.mode }),
  description: z.string().optional(),
  inputs: z.array(InputVariable).optional().openapi({ description: WORDS.inputs }),
})

const DifyAppsResponse = z
  .object({ apps: z.array(DifyAppObject), now: z.string() })
  .openapi('DifyApps')

const AppOutput = z.object({
  name: z.string().meta({ description: WORDS.name }),
  mode: z.string().meta({ description: WORDS.mode }),
  description: z.string().optional(),
  inputs: z
    .array(
      z.object({
        variable: z.string().meta({ description: WORDS.variable }),
        type: z.string().meta({ description: WORDS.type }),
        required: z.boolean(),
        label: z.string().nullable(),
        options: z.array(z.string()).optional().meta({ description: WORDS.options }),
      }),
    )
    .optional()
    .meta({ description: WORDS.inputs }),
})

function difyAppsTool(catalog: DifyCatalog, clock: Clock) {
  return defineTool({
    name: 'listDifyApps',
    title: 'List the Dify apps that can be scheduled',
    description:
      'Lists the Dify apps scheduleDifyRun can run: name, mode (workflow, chat, agent, completion), description and input variables (name, type, required). Call it before scheduleDifyRun to get the exact app name and which inputs to send; chat and agent apps also need a query.',
    input: z.object({}),
    output: z.object({ apps: z.array(AppOutput), now: NowOutput }),
    annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: true },
    http: {
      method: 'get',
      path: '/dify/apps',
      responses: {
        200: {
          description: 'The configured Dify apps',
          content: { 'application/json': { schema: DifyAppsResponse } },
        },
        401: problemResponses[401],
      },
    },
    summarize: ({ apps }) =>
      `${apps.length} Dify app${apps.length === 1 ? '' : 's'} can be scheduled: ${apps.map((app) => `${app.name} (${app.mode})`).join(', ')}.`,
    handler: async () => ({ apps: await catalog.describeApps(), now: clock.now().toISOString() }),
  })
}

export function listDifyAppsTool({ difyCatalog, clock }: ToolDeps) {
  return difyCatalog ? difyAppsTool(difyCatalog, clock) : null
}
