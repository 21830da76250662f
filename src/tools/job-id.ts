/** The job id every job tool takes: a path parameter for OpenAPI, a typed field for MCP. */
import { z } from '@hono/zod-openapi'

const DESCRIPTION = 'The job id (UUID) from scheduleWebhook or listJobs.'
const EXAMPLE = '0b6e0bd4-5d0e-4a8e-9b62-5a8e0f1f2c3d'

export const JobIdParam = z.object({
  job_id: z
    .string()
    .max(100)
    .openapi({ param: { name: 'job_id', in: 'path' }, description: DESCRIPTION, example: EXAMPLE }),
})

/** Not a UUID is a 404 from the service, as on the OpenAPI face. */
export const jobIdField = z
  .string()
  .max(100)
  .meta({ description: DESCRIPTION, examples: [EXAMPLE] })
