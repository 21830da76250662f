/**
 * The rules Dify's OpenAPI tool importer needs (../shared/reference/dify-tools.md, section 1 and 8),
 * as one function returning every violation, so a later change cannot break the import silently.
 */

type Json = Record<string, unknown>
const SCALAR_TYPES = new Set(['string', 'integer', 'number', 'boolean'])
const OPERATION_ID = /^[a-zA-Z0-9_-]{1,64}$/
const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace']

function walk(node: unknown, path: string, visit: (node: Json, path: string) => void) {
  if (Array.isArray(node)) {
    for (const [i, item] of node.entries()) walk(item, `${path}[${i}]`, visit)
  } else if (node && typeof node === 'object') {
    visit(node as Json, path)
    for (const [key, value] of Object.entries(node)) walk(value, `${path}.${key}`, visit)
  }
}

function resolveOneLevel(doc: Json, schema: Json): Json {
  const ref = schema.$ref
  if (typeof ref !== 'string') return schema
  // Dify splits the pointer on "/" without unescaping, one level only.
  const parts = ref.replace(/^#\//, '').split('/')
  let target: unknown = doc
  for (const part of parts) target = (target as Json | undefined)?.[part]
  return (target as Json) ?? {}
}

export function difyRuleViolations(doc: Json): string[] {
  const problems: string[] = []
  if (typeof doc.openapi !== 'string' || !doc.openapi.startsWith('3.0.')) {
    problems.push(`openapi must be 3.0.x, got ${String(doc.openapi)}`)
  }
  if (!doc.info) problems.push('info is missing')
  const servers = doc.servers as Json[] | undefined
  const url = servers?.[0]?.url
  if (typeof url !== 'string' || !/^https?:\/\/[^/]/.test(url))
    problems.push('servers[0].url must be absolute')
  else if (url.endsWith('/')) problems.push('servers[0].url must not end with a slash')
  else if (url.includes('{')) problems.push('servers[0].url must not use server variables')

  walk(doc, '$', (node, path) => {
    if (Array.isArray(node.type)) problems.push(`${path}: type arrays break the import`)
  })

  const operationIds = new Set<string>()
  let operationCount = 0
  for (const [route, item] of Object.entries((doc.paths ?? {}) as Record<string, Json>)) {
    if ('parameters' in item)
      problems.push(`${route}: parameters on the path item are ignored by Dify`)
    for (const method of METHODS) {
      const op = item[method] as Json | undefined
      if (!op) continue
      operationCount++
      const where = `${method.toUpperCase()} ${route}`
      const id = op.operationId
      if (typeof id !== 'string' || !OPERATION_ID.test(id))
        problems.push(`${where}: bad operationId ${String(id)}`)
      else if (operationIds.has(id)) problems.push(`${where}: duplicate operationId ${id}`)
      else operationIds.add(id)
      if (typeof op.description !== 'string' || op.description.length < 20) {
        problems.push(`${where}: needs a description written for an LLM`)
      }
      for (const param of (op.parameters ?? []) as Json[]) {
        if ('$ref' in param) {
          problems.push(`${where}: parameter $ref crashes Dify 0.15.3`)
          continue
        }
        const schema = (param.schema ?? {}) as Json
        if (!SCALAR_TYPES.has(String(schema.type)))
          problems.push(`${where}: parameter ${String(param.name)} needs a scalar type`)
        if (!param.description && !schema.description)
          problems.push(`${where}: parameter ${String(param.name)} needs a description`)
      }
      const body = op.requestBody as Json | undefined
      if (body) {
        if ('$ref' in body) problems.push(`${where}: requestBody must not be a $ref`)
        const content = (body.content ?? {}) as Json
        const types = Object.keys(content)
        if (types.length !== 1 || types[0] !== 'application/json') {
          problems.push(
            `${where}: request content must be exactly application/json, got ${types.join(', ') || 'none'}`,
          )
        }
        const schema = resolveOneLevel(
          doc,
          ((content['application/json'] as Json | undefined)?.schema ?? {}) as Json,
        )
        if (schema.type !== 'object') problems.push(`${where}: body schema must be an object`)
        for (const [name, prop] of Object.entries(
          (schema.properties ?? {}) as Record<string, Json>,
        )) {
          if ('$ref' in prop)
            problems.push(`${where}: body property ${name} must be inlined, not a $ref`)
          if (!SCALAR_TYPES.has(String(prop.type)))
            problems.push(`${where}: body property ${name} needs a scalar type`)
          if (typeof prop.description !== 'string' || prop.description.length === 0) {
            problems.push(`${where}: body property ${name} needs a description`)
          }
        }
      }
    }
  }
  walk(doc, '$', (node, path) => {
    if ((node.type === 'array' || node.type === 'object') && 'default' in node) {
      problems.push(`${path}: defaults on arrays or objects break Dify 0.15.3`)
    }
  })
  if (operationCount > 100)
    problems.push(`${operationCount} operations; Dify accepts at most 100 per provider`)
  return problems
}
