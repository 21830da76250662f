/**
 * Text PostgreSQL can store. Its UTF-8 text and jsonb refuse two things JSON and JavaScript strings
 * allow: the NUL character (U+0000) and lone UTF-16 surrogates (half of an emoji, which has no UTF-8
 * form). Input is checked for them at the edge (422 naming the field); text we do not control (a
 * ClickUp payload, a task name) is made storable instead.
 */

export function isStorableText(text: string): boolean {
  return text.isWellFormed() && !text.includes('\0')
}

/** Replaces every NUL and lone surrogate with U+FFFD (the replacement character). */
export function toStorableText(text: string): string {
  return isStorableText(text) ? text : text.toWellFormed().replaceAll('\0', '\uFFFD')
}

/** Nesting deeper than this is not searched: such a value is refused elsewhere or never stored. */
const MAX_DEPTH = 64

/**
 * The path (e.g. `["inputs", "city"]`) of the first string or object key in `value` that is not
 * storable, or null when every one is. Keys count: they are stored too.
 */
export function findUnstorableText(value: unknown, path: string[] = []): string[] | null {
  if (typeof value === 'string') return isStorableText(value) ? null : path
  if (typeof value !== 'object' || value === null || path.length > MAX_DEPTH) return null
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      const found = findUnstorableText(item, [...path, String(index)])
      if (found) return found
    }
    return null
  }
  for (const [key, item] of Object.entries(value)) {
    if (!isStorableText(key)) return [...path, toStorableText(key)]
    const found = findUnstorableText(item, [...path, key])
    if (found) return found
  }
  return null
}

/** A deep copy of a JSON value with every string and key made storable. */
export function toStorableJson(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return toStorableText(value)
  if (typeof value !== 'object' || value === null) return value
  if (depth > MAX_DEPTH) return null
  if (Array.isArray(value)) return value.map((item) => toStorableJson(item, depth + 1))
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [
      toStorableText(key),
      toStorableJson(item, depth + 1),
    ]),
  )
}
