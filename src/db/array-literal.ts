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

/** Timestamps as UTC ISO text; null becomes SQL NULL. */
export function timestampArray(values: readonly (Date | null | undefined)[]): string {
  let text = '{'
  for (let i = 0; i < values.length; i++) {
    const value = values[i]
    if (i > 0) text += ','
    text += value ? value.toISOString() : 'NULL'
  }
  return `${text}}`
}
