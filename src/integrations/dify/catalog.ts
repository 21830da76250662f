/** The configured Dify apps, looked up by name, with what Dify says about them (short, tolerant calls). */
import type { DifyClient } from './client.ts'
import type { DifyApp } from './config.ts'
import type { DifyError } from './errors.ts'
import type { DifyInputVariable } from './types.ts'

/** Look-ups run while an agent waits for a tool answer (Dify's read timeout is 60 s): keep them short. */
export const DEFAULT_LOOKUP_TIMEOUT_MS = 3_000

export interface DifyAppSummary {
  name: string
  mode: DifyApp['mode']
  description?: string
  /** Present only when Dify answered GET /v1/parameters. */
  inputs?: DifyInputVariable[]
}

export type InputLookup =
  | { ok: true; variables: DifyInputVariable[] }
  | { ok: false; error: DifyError }

export interface DifyCatalog {
  readonly apps: readonly DifyApp[]
  /** The app named `name` (case-insensitive), or undefined. */
  find(name: string): DifyApp | undefined
  names(): string[]
  /** The app's input variables from Dify; a failure is returned, not thrown. */
  inputVariables(app: DifyApp): Promise<InputLookup>
  /** Every app with its description and inputs, asked in parallel; failures leave those out. */
  describeApps(): Promise<DifyAppSummary[]>
}

export interface DifyCatalogDeps {
  client: DifyClient
  apps: readonly DifyApp[]
  lookupTimeoutMs?: number
}

export function createDifyCatalog(deps: DifyCatalogDeps): DifyCatalog {
  const timeoutMs = deps.lookupTimeoutMs ?? DEFAULT_LOOKUP_TIMEOUT_MS
  const byName = new Map(deps.apps.map((app) => [app.name.toLowerCase(), app]))

  async function inputVariables(app: DifyApp): Promise<InputLookup> {
    try {
      return {
        ok: true,
        variables: await deps.client.getParameters({ apiKey: app.apiKey, timeoutMs }),
      }
    } catch (err) {
      return { ok: false, error: err as DifyError }
    }
  }

  async function describeApp(app: DifyApp): Promise<DifyAppSummary> {
    const [info, inputs] = await Promise.all([
      deps.client.getInfo({ apiKey: app.apiKey, timeoutMs }).catch(() => null),
      inputVariables(app),
    ])
    return {
      name: app.name,
      mode: app.mode,
      ...(info?.description ? { description: info.description } : {}),
      ...(inputs.ok ? { inputs: inputs.variables } : {}),
    }
  }

  return {
    apps: deps.apps,
    find: (name) => byName.get(name.trim().toLowerCase()),
    names: () => deps.apps.map((app) => app.name),
    inputVariables,
    describeApps: () => Promise.all(deps.apps.map(describeApp)),
  }
}
