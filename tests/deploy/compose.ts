/**
 * What `docker compose config` does, for the deploy tests: read .env files, interpolate `${…}` the way
 * Compose does, merge override files, and validate against the Compose Specification JSON schema.
 *
 * Schema source: the official compose-spec schema (compose-spec/compose-go `schema/compose-spec.json`,
 * draft-07 edition) as shipped by the `dclint` npm package in `schemas/compose.schema.json`; validated
 * with ajv. Both are devDependencies, so CI needs no network beyond `npm ci`.
 */
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { Ajv, type ErrorObject } from 'ajv'
import { parse as parseYaml } from 'yaml'

export const ROOT = path.resolve(import.meta.dirname, '../..')

export type Env = Record<string, string | undefined>
// biome-ignore lint/suspicious/noExplicitAny: compose documents are free-form YAML.
export type ComposeDoc = Record<string, any>

/** KEY=VALUE lines as Compose reads .env (comments, blank lines, optional quotes, `export `). */
export function parseDotEnv(text: string): Record<string, string> {
  const env: Record<string, string> = {}
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim().replace(/^export\s+/, '')
    if (line === '' || line.startsWith('#')) continue
    const eq = line.indexOf('=')
    if (eq <= 0) throw new Error(`.env: not KEY=VALUE: ${raw}`)
    const key = line.slice(0, eq).trim()
    let value = line.slice(eq + 1).trim()
    if (/^(['"]).*\1$/.test(value)) value = value.slice(1, -1)
    else value = value.replace(/\s+#.*$/, '')
    env[key] = value
  }
  return env
}

export class InterpolationError extends Error {
  override name = 'InterpolationError'
}

/**
 * Compose interpolation: `$$` → `$`, `$NAME`, `${NAME}`, `${NAME:-default}`, `${NAME-default}`,
 * `${NAME:?error}`, `${NAME?error}`, `${NAME:+replacement}`, `${NAME+replacement}`, nested `${…}` in
 * the default. An unset variable without a default becomes "" (Compose warns).
 */
export function interpolate(input: string, env: Env, used?: Set<string>): string {
  let out = ''
  let i = 0
  while (i < input.length) {
    const ch = input[i]
    if (ch !== '$') {
      out += ch
      i++
      continue
    }
    const next = input[i + 1]
    if (next === '$') {
      out += '$'
      i += 2
      continue
    }
    if (next === '{') {
      // Find the matching brace, allowing nested ${…} in the default.
      let depth = 1
      let j = i + 2
      while (j < input.length && depth > 0) {
        if (input[j] === '$' && input[j + 1] === '{') {
          depth++
          j += 2
          continue
        }
        if (input[j] === '}') depth--
        j++
      }
      if (depth !== 0) throw new InterpolationError(`unclosed \${ in "${input}"`)
      const body = input.slice(i + 2, j - 1)
      const match = /^([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])([\s\S]*))?$/.exec(body)
      if (!match?.[1]) throw new InterpolationError(`invalid interpolation \${${body}}`)
      const [, name, op, arg = ''] = match
      used?.add(name)
      const value = env[name]
      const set = value !== undefined
      const nonEmpty = set && value !== ''
      const present = op?.startsWith(':') ? nonEmpty : set
      switch (op?.replace(':', '')) {
        case undefined:
          out += value ?? ''
          break
        case '-':
          out += present ? value : interpolate(arg, env, used)
          break
        case '?':
          if (!present) throw new InterpolationError(`${name}: ${interpolate(arg, env, used)}`)
          out += value
          break
        case '+':
          out += present ? interpolate(arg, env, used) : ''
          break
      }
      i = j
      continue
    }
    const named = /^[A-Za-z_][A-Za-z0-9_]*/.exec(input.slice(i + 1))
    if (!named) throw new InterpolationError(`invalid $ in "${input}" (write $$ for a literal $)`)
    used?.add(named[0])
    out += env[named[0]] ?? ''
    i += 1 + named[0].length
  }
  return out
}

function interpolateDeep(value: unknown, env: Env, used: Set<string>): unknown {
  if (typeof value === 'string') return interpolate(value, env, used)
  if (Array.isArray(value)) return value.map((v) => interpolateDeep(v, env, used))
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, interpolateDeep(v, env, used)]),
    )
  }
  return value
}

/** Compose merge for our files: mappings merge by key, sequences append (deduplicated), scalars replace. */
export function mergeCompose(base: unknown, override: unknown): unknown {
  if (Array.isArray(base) && Array.isArray(override)) {
    const seen = new Set(base.map((v) => JSON.stringify(v)))
    return [...base, ...override.filter((v) => !seen.has(JSON.stringify(v)))]
  }
  if (base && override && typeof base === 'object' && typeof override === 'object') {
    const out: Record<string, unknown> = { ...(base as Record<string, unknown>) }
    for (const [k, v] of Object.entries(override as Record<string, unknown>)) {
      out[k] = k in out ? mergeCompose(out[k], v) : v
    }
    return out
  }
  return override === undefined ? base : override
}

export function readComposeFile(file: string): ComposeDoc {
  return parseYaml(readFileSync(path.join(ROOT, file), 'utf8'), { strict: true, uniqueKeys: true })
}

/** Every variable name a compose document interpolates (defaults included; `$$NAME` is a literal). */
export function interpolatedNames(doc: unknown): Set<string> {
  const names = new Set<string>()
  const walk = (value: unknown): void => {
    if (typeof value === 'string') {
      for (const match of value.replaceAll('$$', '').matchAll(/\$\{?([A-Za-z_][A-Za-z0-9_]*)/g)) {
        if (match[1]) names.add(match[1])
      }
    } else if (value && typeof value === 'object') {
      for (const v of Object.values(value)) walk(v)
    }
  }
  walk(doc)
  return names
}

/** Like `docker compose -f a -f b config`: interpolate each file with `env`, then merge. */
export function loadCompose(files: string[], env: Env): ComposeDoc {
  const used = new Set<string>()
  return files
    .map((file) => interpolateDeep(readComposeFile(file), env, used) as ComposeDoc)
    .reduce((merged, doc) => mergeCompose(merged, doc) as ComposeDoc)
}

let validator: ReturnType<Ajv['compile']> | undefined

export function composeSchemaPath(): string {
  const require = createRequire(import.meta.url)
  return path.join(
    path.dirname(require.resolve('dclint/package.json')),
    'schemas/compose.schema.json',
  )
}

/** Schema errors for a (interpolated) compose document; [] when valid. */
export function validateCompose(doc: unknown): ErrorObject[] {
  if (!validator) {
    const schema = JSON.parse(readFileSync(composeSchemaPath(), 'utf8'))
    // The file names draft-07 by its https URL; ajv knows draft-07 by its canonical http id.
    schema.$schema = 'http://json-schema.org/draft-07/schema#'
    validator = new Ajv({
      allErrors: true,
      allowUnionTypes: true,
      strict: true,
      strictTypes: false,
    }).compile(schema)
  }
  return validator(doc) ? [] : [...(validator.errors ?? [])]
}

/** Short-syntax port `[IP:][HOST[-HOST_END]:]CONTAINER[/proto]` → its parts. */
export function parsePortSpec(spec: string): {
  hostIp: string | null
  hostFirst: number | null
  hostLast: number | null
  container: number
} {
  const match =
    /^(?:(?:(\d{1,3}(?:\.\d{1,3}){3}|\[[0-9a-f:]+\]):)?(\d+)(?:-(\d+))?:)?(\d+)(?:\/(?:tcp|udp))?$/.exec(
      spec,
    )
  if (!match) throw new Error(`not a port mapping: ${spec}`)
  const [, hostIp, first, last, container] = match
  return {
    hostIp: hostIp ?? null,
    hostFirst: first ? Number(first) : null,
    hostLast: first ? Number(last ?? first) : null,
    container: Number(container),
  }
}
