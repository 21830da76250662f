/**
 * fast-check arbitraries for requests to one operation of an OpenAPI 3.0 document: mostly valid
 * input with one field mutated (wrong type, null, huge or odd text, NUL, lone surrogates, deep JSON),
 * whole-body mutations (invalid JSON, wrong content types, non-object bodies, deep nesting) and
 * mutated path and query parameters (non-UUID ids among them).
 */
import fc from 'fast-check'

// biome-ignore lint/suspicious/noExplicitAny: OpenAPI schemas are walked as plain JSON
type Schema = any

export interface Operation {
  operationId: string
  method: string
  path: string
  pathParams: { name: string; schema: Schema }[]
  queryParams: { name: string; schema: Schema }[]
  /** Properties of the JSON body, or null when the operation takes none. */
  body: Record<string, Schema> | null
  required: string[]
  /** Operations that read no input get only a few runs. */
  hasInput: boolean
}

export interface FuzzRequest {
  method: string
  /** Path with query, ready for app.request. */
  url: string
  headers: Record<string, string>
  body?: string
}

/** Every operation of a document, with $refs to components resolved. */
export function operationsOf(document: Schema): Operation[] {
  const resolve = (schema: Schema): Schema => {
    if (schema?.$ref) {
      const name = String(schema.$ref).split('/').pop() as string
      return resolve(document.components?.schemas?.[name])
    }
    if (schema?.allOf) return resolve(schema.allOf[0])
    if (schema?.anyOf) return resolve(schema.anyOf[0])
    if (schema?.oneOf) return resolve(schema.oneOf[0])
    return schema ?? {}
  }
  const operations: Operation[] = []
  for (const [path, item] of Object.entries<Schema>(document.paths ?? {})) {
    for (const [method, op] of Object.entries<Schema>(item)) {
      const params = (op.parameters ?? []) as Schema[]
      const bodySchema = resolve(op.requestBody?.content?.['application/json']?.schema)
      const body = op.requestBody ? ((bodySchema.properties as Record<string, Schema>) ?? {}) : null
      const pathParams = params
        .filter((p) => p.in === 'path')
        .map((p) => ({ name: p.name, schema: resolve(p.schema) }))
      const queryParams = params
        .filter((p) => p.in === 'query')
        .map((p) => ({ name: p.name, schema: resolve(p.schema) }))
      operations.push({
        operationId: String(op.operationId ?? `${method} ${path}`),
        method: method.toUpperCase(),
        path,
        pathParams,
        queryParams,
        body: body
          ? Object.fromEntries(Object.entries(body).map(([k, v]) => [k, resolve(v)]))
          : null,
        required: (bodySchema.required as string[]) ?? [],
        hasInput: pathParams.length + queryParams.length > 0 || body !== null,
      })
    }
  }
  return operations
}

/** Text PostgreSQL cannot store, alone or inside otherwise ordinary text. */
const unstorableText = fc.oneof(
  fc.constantFrom('\u0000', '\ud800', '\udfff', 'half emoji \ud83d', '\ude00 low first'),
  fc
    .tuple(
      fc.string({ maxLength: 12 }),
      fc.constantFrom('\u0000', '\ud83d', '\ude00', '\udbff'),
      fc.string({ maxLength: 12 }),
    )
    .map((parts) => parts.join('')),
)

/** Text that has broken servers: control characters, unpaired surrogates, injections, extremes. */
const oddText = fc.oneof(
  { weight: 3, arbitrary: unstorableText },
  {
    weight: 4,
    arbitrary: fc.constantFrom(
      '😀'.repeat(50),
      '\u202eevil',
      '{{task.name}}',
      "' OR 1=1 --",
      '"; drop table scheduled_jobs; --',
      '%00',
      '../../etc/passwd',
      '',
      ' ',
      '\r\n\t',
      'null',
      '[]',
      '{}',
      '{"a":',
      "{'a': 'b'}",
      '{"a":"\\u0000"}',
      '{"a":"\\ud800"}',
      '9'.repeat(400),
      '-1',
      '1e309',
      'NaN',
      '0x1F',
      '2026-02-30T25:61:00Z',
      '+99999-01-01T00:00:00Z',
      '-271821-04-20T00:00:00Z',
      'every 0s',
      '99999999999 days',
      '* * * * * * *',
      '0 0 31 2 *',
      'http://127.0.0.1:5432/',
      'http://[::ffff:127.0.0.1]/',
      'http://user:pass@example.com/',
      'file:///etc/passwd',
      'Europe/Nowhere',
      '+00:00',
      'pk_live_secret',
    ),
  },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.constantFrom(10_000, 200_000).map((n) => 'x'.repeat(n)) },
)

/** A JSON value nested `depth` levels deep. */
const deepJson = fc
  .tuple(fc.integer({ min: 50, max: 3_000 }), fc.boolean())
  .map(([depth, objects]) => {
    let value: unknown = 'bottom'
    for (let i = 0; i < depth; i++) value = objects ? { a: value } : [value]
    return value
  })

const wrongType = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 4 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 }),
  deepJson,
)

/** Plausible values, from the schema's example and enum first. */
function validValue(schema: Schema): fc.Arbitrary<unknown> {
  const choices: fc.Arbitrary<unknown>[] = []
  if (schema.example !== undefined) choices.push(fc.constant(schema.example))
  if (Array.isArray(schema.enum)) choices.push(fc.constantFrom(...schema.enum))
  switch (schema.type) {
    case 'integer':
      choices.push(fc.integer({ min: schema.minimum ?? -1_000, max: schema.maximum ?? 1_000_000 }))
      break
    case 'number':
      choices.push(
        fc.double({ min: schema.minimum ?? -1e6, max: schema.maximum ?? 1e6, noNaN: true }),
      )
      break
    case 'boolean':
      choices.push(fc.boolean())
      break
    case 'array':
      choices.push(fc.array(validValue(schema.items ?? {}), { maxLength: 3 }))
      break
    case 'object':
      choices.push(fc.dictionary(fc.string({ maxLength: 8 }), fc.string({ maxLength: 8 })))
      break
    default:
      choices.push(fc.string({ maxLength: 30 }))
  }
  return fc.oneof(...choices)
}

/** A value for one field: mutated most of the time, sometimes plausible. */
function fieldValue(schema: Schema): fc.Arbitrary<unknown> {
  return fc.oneof(
    { weight: 3, arbitrary: oddText },
    { weight: 2, arbitrary: wrongType },
    { weight: 1, arbitrary: validValue(schema) },
  )
}

/** Path ids: real ones seen by the test, UUIDs, and things that are not UUIDs. */
function pathValue(known: readonly string[]): fc.Arbitrary<string> {
  return fc.oneof(
    ...(known.length > 0 ? [fc.constantFrom(...known), fc.constantFrom(...known)] : []),
    fc.uuid(),
    fc.constantFrom('not-a-uuid', '0', '-1', '..', '%2e%2e', 'x'.repeat(500), '+5511999990000'),
    fc.string({ minLength: 1, maxLength: 40 }),
    oddText.filter((text) => text.length > 0 && text.length < 2_000),
  )
}

/** encodeURIComponent, except that a lone surrogate becomes its (invalid) 3-byte UTF-8 form. */
function encode(text: string): string {
  let out = ''
  for (const ch of text) {
    if (ch.isWellFormed()) out += encodeURIComponent(ch)
    else {
      const code = ch.charCodeAt(0)
      const bytes = [0xed, 0xa0 | ((code >> 6) & 0x1f), 0x80 | (code & 0x3f)]
      out += bytes.map((b) => `%${b.toString(16).toUpperCase()}`).join('')
    }
  }
  return out
}

const asText = (value: unknown) =>
  typeof value === 'string' ? value : (JSON.stringify(value) ?? '')

/**
 * Mutations of a valid object (a body or MCP arguments): one field given an odd value, several
 * fields (plus up to two unknown ones of a wrong type), or one field removed.
 */
function objectMutations(fields: Record<string, Schema>, base: Record<string, unknown>) {
  const names = Object.keys(fields)
  const mutateOne: fc.Arbitrary<Record<string, unknown>> =
    names.length === 0
      ? fc.constant(base)
      : fc
          .constantFrom(...names)
          .chain((name) => fieldValue(fields[name]).map((value) => ({ ...base, [name]: value })))
  const mutateSome: fc.Arbitrary<Record<string, unknown>> = fc
    .record(Object.fromEntries(names.map((name) => [name, fieldValue(fields[name])])), {
      requiredKeys: [],
    })
    .chain((record) =>
      fc
        .dictionary(fc.string({ maxLength: 12 }), wrongType, { maxKeys: 2 })
        .map((extra) => ({ ...base, ...extra, ...record })),
    )
  const removeOne: fc.Arbitrary<Record<string, unknown>> =
    Object.keys(base).length === 0
      ? fc.constant(base)
      : fc.constantFrom(...Object.keys(base)).map((name) => {
          const { [name]: _removed, ...rest } = base
          return rest
        })
  return { mutateOne, mutateSome, removeOne }
}

/**
 * A whole body: a valid base body (from the test) with one field mutated, several fields mutated,
 * a field removed, the base as is, or a broken body.
 */
function bodyText(
  op: Operation,
  base: Record<string, unknown>,
): fc.Arbitrary<{ body: string; contentType: string }> {
  const fields = op.body ?? {}
  const json = (value: unknown) => ({
    body: JSON.stringify(value),
    contentType: 'application/json',
  })
  const { mutateOne, mutateSome, removeOne } = objectMutations(fields, base)
  const broken = fc.oneof(
    fc
      .constantFrom('', '{', '{"name":', 'null', '[]', '42', '"text"', '{"a":1}{"b":2}', '\u0000')
      .map((body) => ({ body, contentType: 'application/json' })),
    deepJson.map((value) => json({ ...base, name: value })),
    mutateOne.chain((record) =>
      fc
        .constantFrom(
          'text/plain',
          'application/x-www-form-urlencoded',
          'multipart/form-data; boundary=x',
          'application/xml',
          'application/json; charset=latin1',
          'application/problem+json',
        )
        .map((contentType) => ({ body: JSON.stringify(record), contentType })),
    ),
  )
  return fc.oneof(
    { weight: 6, arbitrary: mutateOne.map(json) },
    { weight: 2, arbitrary: mutateSome.map(json) },
    { weight: 1, arbitrary: removeOne.map(json) },
    { weight: 1, arbitrary: fc.constant(json(base)) },
    { weight: 2, arbitrary: broken },
  )
}

/**
 * Requests for `op`. `base` is a valid body for it (mutations start from there, so most requests
 * get past validation to the code behind it); `knownIds` are ids that exist.
 */
export function requestFor(
  op: Operation,
  base: Record<string, unknown>,
  knownIds: readonly string[],
  auth: Record<string, string>,
): fc.Arbitrary<FuzzRequest> {
  const path = fc
    .tuple(...op.pathParams.map(() => pathValue(knownIds)))
    .map((values) =>
      values.reduce<string>(
        (url, value, i) => url.replace(`{${op.pathParams[i]?.name}}`, encode(value)),
        op.path,
      ),
    )
  const query = fc
    .tuple(
      ...op.queryParams.map((param) =>
        fc.option(
          fieldValue(param.schema).map((value) => `${param.name}=${encode(asText(value))}`),
        ),
      ),
    )
    .map((parts) => parts.filter((part) => part !== null).join('&'))
  const body = op.body
    ? bodyText(op, base).map((b) => b as { body: string; contentType: string } | null)
    : fc.constant(null)
  return fc.tuple(path, query, body).map(([pathText, queryText, bodyPart]) => ({
    method: op.method,
    url: queryText ? `${pathText}?${queryText}` : pathText,
    headers: { ...auth, ...(bodyPart ? { 'content-type': bodyPart.contentType } : {}) },
    ...(bodyPart ? { body: bodyPart.body } : {}),
  }))
}

/** Deliveries for the ClickUp webhook: JSON of any shape, ClickUp-like shapes with odd parts, not JSON. */
export const clickUpDelivery: fc.Arbitrary<string> = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }).map((value) => JSON.stringify(value)),
  fc
    .record({
      event: fc.oneof(
        fc.constantFrom('taskUpdated', 'taskStatusUpdated', 'taskDeleted', 'listCreated'),
        oddText,
        wrongType,
      ),
      task_id: fc.oneof(fc.constantFrom('86c0abcd', 'DEV-12'), oddText, wrongType),
      webhook_id: fc.oneof(fc.uuid(), oddText, wrongType),
      history_items: fc.oneof(
        wrongType,
        fc.array(
          fc.oneof(
            wrongType,
            fc.record({
              id: fc.oneof(fc.string({ maxLength: 20 }), fc.integer(), oddText, wrongType),
              date: fc.oneof(
                fc.constantFrom('99999999999999999999', '-1', '1751360400000', 'soon'),
                fc.double(),
                fc.constant(-1e20),
                wrongType,
              ),
              field: fc.oneof(fc.constantFrom('status', 'due_date'), oddText, wrongType),
              after: fc.oneof(fc.record({ status: fc.oneof(oddText, wrongType) }), wrongType),
            }),
          ),
          { maxLength: 4 },
        ),
      ),
    })
    .map((value) => JSON.stringify(value)),
  oddText,
  deepJson.map((value) =>
    JSON.stringify({ event: 'taskUpdated', task_id: 'abc', history_items: value }),
  ),
)

/**
 * `arguments` for an MCP tools/call, from the tool's inputSchema (as tools/list shows it): a valid
 * base with one or several fields mutated, a field removed, the base as is, or something that is
 * not an object of arguments at all.
 */
export function mcpArguments(
  inputSchema: Schema,
  base: Record<string, unknown>,
): fc.Arbitrary<unknown> {
  const fields = (inputSchema.properties ?? {}) as Record<string, Schema>
  const { mutateOne, mutateSome, removeOne } = objectMutations(fields, base)
  return fc.oneof(
    { weight: 6, arbitrary: mutateOne },
    { weight: 2, arbitrary: mutateSome },
    { weight: 1, arbitrary: removeOne },
    { weight: 1, arbitrary: fc.constant(base) },
    { weight: 1, arbitrary: fc.oneof(wrongType, oddText, fc.constant(undefined)) },
  )
}
