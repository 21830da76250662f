/** The action registry: the scheduler knows action kinds only through this map. */
import type { AnyActionDefinition } from './action-contract.ts'

const KIND = /^[a-z][a-z0-9_]{1,30}$/

export interface ActionRegistry {
  get(kind: string): AnyActionDefinition | undefined
  kinds(): string[]
  all(): AnyActionDefinition[]
}

/** Fails start-up on a duplicate or badly formed kind, so a mistake cannot reach a running server. */
export function createActionRegistry(definitions: readonly AnyActionDefinition[]): ActionRegistry {
  const byKind = new Map<string, AnyActionDefinition>()
  for (const definition of definitions) {
    if (!KIND.test(definition.kind)) {
      throw new Error(
        `Action kind "${definition.kind}" must match ${KIND} (lower-case letters, digits, _).`,
      )
    }
    const fields = Object.keys(definition.fields ?? {})
      .sort()
      .join(', ')
    const toolFields = Object.keys(definition.toolFields ?? {})
      .sort()
      .join(', ')
    if (fields !== toolFields) {
      throw new Error(
        `Action kind "${definition.kind}" has fields (${fields}) but MCP fields (${toolFields}): both faces need the same names.`,
      )
    }
    if (byKind.has(definition.kind))
      throw new Error(`Action kind "${definition.kind}" is registered twice.`)
    byKind.set(definition.kind, definition)
  }
  return {
    get: (kind) => byKind.get(kind),
    kinds: () => [...byKind.keys()],
    all: () => [...byKind.values()],
  }
}
