/**
 * Column parameters for the engine's batch statements, built by joining. Given a JS array, pg quotes
 * and escapes every element; for a claim's hundreds of UUIDs that, or a JSON parameter, cost more
 * main-thread time than the rest of the statement. The element kinds here (canonical UUIDs, integers,
 * booleans, ISO timestamps) never contain a comma, brace, quote, backslash or space, so the joined text
 * is exact. `unnest` over several columns yields one row per index.
 *
 * Integers and booleans go as array literals (`{1,2}`, cast `$1::int[]`). UUIDs and timestamps go as
 * comma-separated lists that SQL splits (`string_to_array($1, ',')::uuid[]`, and
 * `string_to_array($1, ',', 'NULL')::timestamptz[]` where NULL may occur): Postgres's array input
 * scans its text character by character, 1.2 µs per UUID and 0.9 per timestamp of backend CPU, against
 * 0.5–0.8 and 0.5 split (bench measurement in PROJECT_INFO.md → Performance, session 6).
 */

/** UUIDs as the database or crypto.randomUUID wrote them; split with `string_to_array($n, ',')`. */
export function uuidList(ids: readonly string[]): string {
  return ids.join(',')
}

export function intArray(values: readonly number[]): string {
  for (const value of values) {
    if (!Number.isSafeInteger(value)) throw new RangeError(`not an integer: ${value}`)
  }
  return `{${values.join(',')}}`
}

export function boolArray(values: readonly boolean[]): string {
  let text = '{'
  for (let i = 0; i < values.length; i++)
    text += i === 0 ? (values[i] ? 't' : 'f') : values[i] ? ',t' : ',f'
  return `${text}}`
}

/**
 * Timestamps, split with `string_to_array($n, ',', 'NULL')`: null and undefined become NULL. A string
 * is taken as ISO 8601 text as Date#toISOString writes it (e.g. an occurrence's due time as planned):
 * passing it on saves a toISOString per value, ~1 µs.
 */
export function timestampList(values: readonly (Date | string | null | undefined)[]): string {
  let text = ''
  for (let i = 0; i < values.length; i++) {
    const value = values[i]
    if (i > 0) text += ','
    text += typeof value === 'string' ? value : value ? value.toISOString() : 'NULL'
  }
  return text
}
