/** ClickUp integration endpoints (ops document): the signed webhook, rules CRUD, webhook registration, reconcile. */
import { createRoute, z } from '@hono/zod-openapi'
import { ProblemObject, problemResponses } from '../http/problem-schemas.ts'
import { createRouter, protectedRoute } from '../http/router.ts'
import type { ClickUpService } from '../integrations/clickup/index.ts'
import type { ActionRegistry } from '../scheduler/action-registry.ts'

export interface ClickUpRoutesDeps {
  clickup: ClickUpService
  registry: ActionRegistry
}

const problem = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: ProblemObject } },
})

const ruleFields = {
  name: z
    .string()
    .min(1)
    .max(200)
    .openapi({ description: 'A label for the rule.', example: 'Remind 15 min before due' }),
  list_id: z.string().max(40).nullish().openapi({
    description:
      'Only tasks of this ClickUp List (id). Empty: tasks of every List the webhooks cover.',
    example: '901234',
  }),
  trigger_status: z.string().min(1).max(100).openapi({
    description: 'Task status that schedules the job (compared case-insensitively).',
    example: 'scheduled',
  }),
  run_at_field: z.enum(['due_date', 'start_date', 'now']).nullish().openapi({
    description: 'Which task date the job runs at: due_date (default), start_date or now.',
  }),
  offset: z.string().max(40).nullish().openapi({
    description: 'Added to that date, e.g. -15m (15 minutes before), 1h, -1d.',
    example: '-15m',
  }),
  action: z.string().min(1).max(40).openapi({
    description:
      'Action kind of the job: webhook, dify or whatsapp (those configured on this server).',
    example: 'webhook',
  }),
  on_success_comment: z.string().max(4000).nullish().openapi({
    description:
      'Comment posted on the task after success; templates {{task.name}}, {{job.name}} … Default: a short note.',
  }),
  on_success_status: z
    .string()
    .max(100)
    .nullish()
    .openapi({ description: 'Status set on the task after success.' }),
  on_failure_comment: z.string().max(4000).nullish().openapi({
    description: 'Comment posted after the final failed attempt; the error is always included.',
  }),
  on_failure_status: z
    .string()
    .max(100)
    .nullish()
    .openapi({ description: 'Status set after the final failure.' }),
}

function actionFields(registry: ActionRegistry) {
  return Object.fromEntries(
    registry
      .all()
      .flatMap((action) =>
        Object.entries(action.fields).map(([name, schema]) => [
          name,
          (schema as z.ZodType).nullish(),
        ]),
      ),
  )
}

const RuleObject = z.record(z.string(), z.unknown()).openapi('ClickUpRule', {
  description: 'A rule: id, its fields as sent, created_at, updated_at.',
})
const RuleIdParam = z.object({
  rule_id: z.string().openapi({
    param: { name: 'rule_id', in: 'path' },
    example: '3f0c1b9e-8a6d-4c2f-9d2e-1a2b3c4d5e6f',
  }),
})
const TeamQuery = z.object({
  team_id: z
    .string()
    .min(1)
    .max(40)
    .openapi({ param: { name: 'team_id', in: 'query' }, example: '108' }),
})
const RegisterBody = z.object({
  team_id: z
    .string()
    .min(1)
    .max(40)
    .openapi({ description: 'Workspace (team) id.', example: '108' }),
  endpoint: z.string().url().nullish().openapi({
    description: 'Where ClickUp sends events. Default: PUBLIC_URL + /clickup/webhook.',
  }),
  space_id: z.string().max(40).nullish(),
  folder_id: z.string().max(40).nullish(),
  list_id: z.string().max(40).nullish().openapi({ description: 'Most specific location wins.' }),
})
const Anything = z.record(z.string(), z.unknown())
const json = (schema: z.ZodType, description: string) => ({
  description,
  content: { 'application/json': { schema } },
})

const receiveWebhookRoute = createRoute({
  method: 'post',
  path: '/clickup/webhook',
  operationId: 'receiveClickUpWebhook',
  summary: 'ClickUp webhook delivery',
  description:
    'Called by ClickUp. Verifies X-Signature (hex HMAC-SHA256 of the raw body), stores the event (duplicates change nothing) and queues its processing; answers 200 at once. A signed delivery that cannot be used (not JSON, no task id…) is stored as rejected with the reason and still answered 200: ClickUp counts other answers toward suspending the webhook.',
  request: {
    headers: z.object({ 'x-signature': z.string().optional() }),
  },
  responses: {
    200: json(
      z.object({
        accepted: z.number(),
        duplicate: z.boolean(),
        rejected: z
          .string()
          .optional()
          .openapi({ description: 'Why the delivery could not be used (stored as rejected).' }),
      }),
      'Stored (or a duplicate, or stored as rejected)',
    ),
    401: problem('Missing or wrong signature'),
  },
})

const listRulesRoute = protectedRoute({
  method: 'get',
  path: '/clickup/rules',
  operationId: 'listClickUpRules',
  summary: 'List ClickUp rules',
  responses: {
    200: json(z.object({ rules: z.array(RuleObject) }), 'Every rule'),
    401: problemResponses[401],
  },
})
const getRuleRoute = protectedRoute({
  method: 'get',
  path: '/clickup/rules/{rule_id}',
  operationId: 'getClickUpRule',
  summary: 'Get a ClickUp rule',
  request: { params: RuleIdParam },
  responses: {
    200: json(RuleObject, 'The rule'),
    401: problemResponses[401],
    404: problem('No such rule'),
  },
})
const deleteRuleRoute = protectedRoute({
  method: 'delete',
  path: '/clickup/rules/{rule_id}',
  operationId: 'deleteClickUpRule',
  summary: 'Delete a ClickUp rule (its waiting jobs are cancelled)',
  request: { params: RuleIdParam },
  responses: {
    200: json(Anything, 'Deleted'),
    401: problemResponses[401],
    404: problem('No such rule'),
  },
})
const reconcileRoute = protectedRoute({
  method: 'post',
  path: '/clickup/reconcile',
  operationId: 'reconcileClickUp',
  summary: 'Reconcile ClickUp tasks with jobs now',
  description:
    'Lists each rule’s tasks in the trigger status, re-reads tasks of waiting jobs and fixes drift.',
  responses: {
    200: json(Anything, 'Counts'),
    401: problemResponses[401],
    424: problem('ClickUp failed'),
  },
})
const registerWebhookRoute = protectedRoute({
  method: 'post',
  path: '/clickup/webhooks',
  operationId: 'registerClickUpWebhook',
  summary: 'Create a ClickUp webhook pointing here and store its secret',
  request: { body: { content: { 'application/json': { schema: RegisterBody } }, required: true } },
  responses: {
    201: json(Anything, 'Registered'),
    401: problemResponses[401],
    422: problemResponses[422],
    424: problem('ClickUp refused or failed'),
  },
})
const listWebhooksRoute = protectedRoute({
  method: 'get',
  path: '/clickup/webhooks',
  operationId: 'listClickUpWebhooks',
  summary: 'ClickUp webhooks of a team with their health',
  request: { query: TeamQuery },
  responses: {
    200: json(Anything, 'Webhooks'),
    401: problemResponses[401],
    424: problem('ClickUp failed'),
  },
})

export function createClickUpRoutes({ clickup, registry }: ClickUpRoutesDeps) {
  const fields = actionFields(registry)
  const CreateBody = z.object({ ...ruleFields, ...fields })
  const PatchBody = z.object({
    ...ruleFields,
    name: ruleFields.name.nullish(),
    trigger_status: ruleFields.trigger_status.nullish(),
    action: ruleFields.action.nullish(),
    ...fields,
  })
  const createRuleRoute = protectedRoute({
    method: 'post',
    path: '/clickup/rules',
    operationId: 'createClickUpRule',
    summary: 'Create a ClickUp rule',
    description:
      'When a task enters trigger_status, a job of `action` is scheduled at its run_at_field + offset. Text fields may use {{task.name}}, {{task.url}}, {{task.description}}, {{task.id}}, {{task.status}}, {{task.due_date}}.',
    request: { body: { content: { 'application/json': { schema: CreateBody } }, required: true } },
    responses: {
      201: json(RuleObject, 'Created'),
      401: problemResponses[401],
      422: problemResponses[422],
    },
  })
  const patchRuleRoute = protectedRoute({
    method: 'patch',
    path: '/clickup/rules/{rule_id}',
    operationId: 'updateClickUpRule',
    summary: 'Change a ClickUp rule (only the fields sent; null clears)',
    description: 'Applies to jobs scheduled from now on; existing jobs keep their action fields.',
    request: {
      params: RuleIdParam,
      body: { content: { 'application/json': { schema: PatchBody } }, required: true },
    },
    responses: {
      200: json(RuleObject, 'Updated'),
      401: problemResponses[401],
      404: problem('No such rule'),
      422: problemResponses[422],
    },
  })

  return createRouter()
    .openapi(receiveWebhookRoute, async (c) => {
      const raw = await c.req.text()
      const result = await clickup.receiveWebhook(raw, c.req.header('x-signature'))
      return c.json(result, 200)
    })
    .openapi(listRulesRoute, async (c) => c.json(await clickup.listRules(), 200))
    .openapi(createRuleRoute, async (c) =>
      c.json(await clickup.createRule(c.req.valid('json')), 201),
    )
    .openapi(getRuleRoute, async (c) =>
      c.json(await clickup.getRule(c.req.valid('param').rule_id), 200),
    )
    .openapi(patchRuleRoute, async (c) =>
      c.json(await clickup.updateRule(c.req.valid('param').rule_id, c.req.valid('json')), 200),
    )
    .openapi(deleteRuleRoute, async (c) =>
      c.json(await clickup.deleteRule(c.req.valid('param').rule_id), 200),
    )
    .openapi(reconcileRoute, async (c) => c.json(await clickup.reconcile(), 200))
    .openapi(registerWebhookRoute, async (c) =>
      c.json(await clickup.registerWebhook(c.req.valid('json')), 201),
    )
    .openapi(listWebhooksRoute, async (c) =>
      c.json(await clickup.listWebhooks(c.req.valid('query').team_id), 200),
    )
}
