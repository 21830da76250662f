/**
 * Postgres array literals (`{a,b,c}`) for the engine's batch statements, built by joining. Given a JS
 * array, pg quotes and escapes every element; for a claim's hundreds of UUIDs that, or a JSON
 * parameter, cost more main-thread time than the rest of the statement. The element kinds here
 * (canonical UUIDs, integers, booleans, ISO timestamps) never contain a character an array literal
 * must quote (comma, brace, quote, backslash, space), so the joined text is exact. Cast the parameter
 * in SQL (`$1::uuid[]`); `unnest` over several of them yields one row per index.
 */

/** UUIDs as the database or crypto.randomUUID wrote them. */
export function uuidArray(ids: readonly string[]): string {
  return `{${ids.join(',')}}`
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
 * Timestamps; null becomes SQL NULL. A string is taken as ISO 8601 text as Date#toISOString writes it
 * (e.g. an occurrence's due time as planned): passing it on saves a toISOString per value, ~1 µs.
 */
export function timestampArray(values: readonly (Date | string | null | undefined)[]): string {
  let text = '{'
  for (let i = 0; i < values.length; i++) {
    const value = values[i]
    if (i > 0) text += ','
    text += typeof value === 'string' ? value : value ? value.toISOString() : 'NULL'
  }
  return `${text}}`
}
