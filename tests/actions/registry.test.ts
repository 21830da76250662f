import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { z } from 'zod'
import type { AnyActionDefinition } from '../../src/scheduler/action-contract.ts'
import { createActionRegistry } from '../../src/scheduler/action-registry.ts'

function definition(kind: string): AnyActionDefinition {
  return {
    kind,
    tool: {
      path: `/jobs/${kind}`,
      operationId: `schedule_${kind}`,
      summary: kind,
      description: kind,
    },
    fields: {},
    toolFields: {},
    requiredFields: [],
    defaultTimeoutSeconds: 30,
    prepare: async () => ({ params: {}, secrets: {} }),
    prepareUpdate: async (_input, current) => current,
    describe: () => kind,
    execute: async () => ({ ok: true, requestSummary: {} }),
  }
}

describe('createActionRegistry', () => {
  it('looks definitions up by kind and lists them in registration order', () => {
    const registry = createActionRegistry([definition('webhook'), definition('dify')])
    assert.equal(registry.get('dify')?.kind, 'dify')
    assert.equal(registry.get('sms'), undefined)
    assert.deepEqual(registry.kinds(), ['webhook', 'dify'])
    assert.equal(registry.all().length, 2)
  })

  it('refuses a kind registered twice', () => {
    assert.throws(
      () => createActionRegistry([definition('webhook'), definition('webhook')]),
      /registered twice/,
    )
  })

  it('refuses a badly formed kind', () => {
    assert.throws(() => createActionRegistry([definition('Web Hook')]), /must match/)
  })

  it('refuses an action whose MCP fields are not its fields', () => {
    const action = { ...definition('webhook'), fields: { url: z.string() }, toolFields: {} }
    assert.throws(() => createActionRegistry([action]), /webhook.*url/)
  })
})
