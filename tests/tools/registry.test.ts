import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { z } from '@hono/zod-openapi'
import { ProblemError } from '../../src/problem-error.ts'
import { optionalInteger, optionalText, structured } from '../../src/tools/field-spec.ts'
import { createToolRegistry, parseToolInput, type ToolDeps } from '../../src/tools/index.ts'
import { defineTool } from '../../src/tools/types.ts'
import { buildTestApp } from '../helpers/app.ts'

function deps(overrides: Partial<ToolDeps> = {}): ToolDeps {
  const { runtime, clock } = buildTestApp()
  return {
    scheduler: runtime.service,
    actions: runtime.registry,
    clock,
    defaultTimezone: 'UTC',
    difyCatalog: null,
    whatsapp: null,
    ...overrides,
  }
}

const tool = (name: string) =>
  defineTool({
    name,
    title: name,
    description: 'A test tool.',
    input: z.object({ note: z.string().max(5).optional().describe('A note.') }),
    output: z.object({ ok: z.boolean() }),
    annotations: { readOnlyHint: true },
    http: { method: 'get', path: '/t', responses: {} },
    handler: async () => ({ ok: true }),
  })

function problemOf(run: () => unknown): ProblemError {
  try {
    run()
  } catch (err) {
    if (err instanceof ProblemError) return err
    throw err
  }
  throw new Error('expected a ProblemError')
}

describe('createToolRegistry', () => {
  it('builds every tool once, in document order, and only the configured ones', () => {
    const names = createToolRegistry(deps())
      .all()
      .map((t) => t.name)
    assert.deepEqual(names, [
      'getCurrentTime',
      'scheduleWebhook',
      'getExecution',
      'previewSchedule',
      'listJobs',
      'getJob',
      'updateJob',
      'pauseJob',
      'resumeJob',
      'cancelJob',
      'runJobNow',
      'listExecutions',
      'retryExecution',
    ])
  })

  it('refuses a name MCP and OpenAPI cannot carry, and a name used twice', () => {
    assert.throws(() => createToolRegistry(deps(), [() => tool('bad name')]), /must match/)
    assert.throws(
      () => createToolRegistry(deps(), [() => tool('twice'), () => [tool('twice')]]),
      /"twice" is defined twice/,
    )
    const registry = createToolRegistry(deps(), [() => null, () => tool('once')])
    assert.equal(registry.get('once')?.name, 'once')
    assert.throws(() => registry.require('missing'), /"missing" is not registered/)
  })
})

describe('parseToolInput', () => {
  const registry = createToolRegistry(deps())
  const preview = registry.require('previewSchedule')

  it('drops null and empty arguments and coerces numbers sent as text', () => {
    assert.deepEqual(
      parseToolInput(preview, { every: '1h', cron: null, timezone: '', count: '4' }),
      {
        every: '1h',
        count: 4,
      },
    )
    assert.deepEqual(parseToolInput(preview, undefined), {})
  })

  it('answers 422 naming the field, with a hint', () => {
    const problem = problemOf(() => parseToolInput(preview, { count: 'lots' }))
    assert.equal(problem.status, 422)
    assert.equal(problem.errors?.[0]?.field, 'count')
    const tooLong = problemOf(() => parseToolInput(preview, { delay: 'x'.repeat(101) }))
    assert.match(tooLong.errors?.[0]?.hint ?? '', /at most 100 characters/)
  })

  it('refuses arguments that are not an object', () => {
    for (const args of ['every 1h', ['1h'], 5]) {
      const problem = problemOf(() => parseToolInput(preview, args))
      assert.equal(problem.errors?.[0]?.field, 'arguments')
    }
  })

  it('refuses text PostgreSQL cannot store, nested keys included', () => {
    const webhook = registry.require('scheduleWebhook')
    const args = { name: 'x', url: 'http://a.test/', headers: { 'X-\u0000': 'v' } }
    assert.equal(
      problemOf(() => parseToolInput(webhook, args)).errors?.[0]?.field,
      'headers.X-\uFFFD',
    )
  })
})

describe('field specs', () => {
  const schemaOf = (schema: z.ZodType) =>
    z.toJSONSchema(z.object({ field: schema }), { target: 'draft-2020-12', io: 'input' }).properties
      ?.field as Record<string, unknown>

  it('give Dify a nullable scalar and MCP a typed, described, optional property', () => {
    const field = optionalText({ description: 'When.', example: '2h', max: 10 })
    assert.equal(field.flat.safeParse(null).success, true)
    assert.deepEqual(schemaOf(field.mcp), {
      description: 'When.',
      examples: ['2h'],
      type: 'string',
      maxLength: 10,
    })
  })

  it('coerce MCP numbers and keep the flat ones strict', () => {
    const field = optionalInteger({ description: 'How many.', min: 1, max: 5 })
    assert.equal(field.flat.safeParse('3').success, false)
    assert.equal(field.mcp.parse('3'), 3)
    assert.equal(schemaOf(field.mcp).type, 'integer')
  })

  it('carry structured values as text for Dify and as themselves for MCP', () => {
    const field = structured(
      { description: 'As JSON text.' },
      { description: 'As an object.', schema: z.record(z.string(), z.string()) },
    )
    assert.equal(field.flat.safeParse('{"a":"b"}').success, true)
    assert.equal(field.flat.safeParse({ a: 'b' }).success, false)
    assert.deepEqual(field.mcp.parse({ a: 'b' }), { a: 'b' })
    assert.equal(schemaOf(field.mcp).type, 'object')
    assert.equal(schemaOf(field.mcp).description, 'As an object.')
  })
})
