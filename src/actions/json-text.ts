/**
 * Parses the JSON-text fields agents send (Dify passes structured values as strings) with LLM-usable
 * errors. Dify turns an object argument into a Python repr ({'a': 'b', 'ok': True}), which is not
 * JSON: every JSON-text field refuses it and shows the same value as JSON to send instead.
 */
import { findUnstorableText } from '../db/storable-text.ts'
import { fieldProblem, unstorableTextProblem } from '../problem-error.ts'
import { pythonLiteralAsJson } from './python-literal.ts'

export { pythonLiteralAsJson } from './python-literal.ts'

/** Longest converted value shown as the example; a longer one gets the field's generic example. */
const MAX_EXAMPLE_CHARS = 500

/**
 * Deeper nesting is refused: no form needs it, and PostgreSQL's jsonb parser recurses per level
 * (a few thousand levels exhaust its stack and fail the statement).
 */
const MAX_DEPTH = 32

/** Levels of nesting in a JSON value, counted only up to one past MAX_DEPTH. */
function depthOf(value: unknown, depth = 0): number {
  if (typeof value !== 'object' || value === null || depth > MAX_DEPTH) return depth
  let deepest = depth + 1
  for (const item of Object.values(value)) {
    deepest = Math.max(deepest, depthOf(item, depth + 1))
    if (deepest > MAX_DEPTH) break
  }
  return deepest
}

/**
 * A JSON object given as text (or, from non-Dify clients, as an object). Throws a 422 naming `field`.
 * Its escapes (`\u0000`, `\ud800`) can produce text PostgreSQL cannot store, which the edge check
 * on the outer text cannot see: that is refused here, naming the member.
 */
export function parseJsonTextObject(
  field: string,
  value: unknown,
  example: string,
): Record<string, unknown> {
  const object = parseObject(field, value, example)
  if (depthOf(object) > MAX_DEPTH) {
    throw fieldProblem(
      field,
      `nests objects or arrays more than ${MAX_DEPTH} levels deep.`,
      `Flatten it, e.g. ${example}`,
    )
  }
  const unstorable = findUnstorableText(object)
  if (unstorable) throw unstorableTextProblem([field, ...unstorable].join('.'))
  return object
}

function parseObject(field: string, value: unknown, example: string): Record<string, unknown> {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    return value as Record<string, unknown>
  }
  const text = String(value).trim()
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    const json = pythonLiteralAsJson(text)
    if (json?.startsWith('{')) throw pythonReprProblem(field, json, example)
    throw fieldProblem(
      field,
      'is not valid JSON text.',
      `Send a JSON object as text with double quotes, e.g. ${example}`,
    )
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw fieldProblem(
      field,
      'must be a JSON object.',
      `Send a JSON object as text, e.g. ${example}`,
    )
  }
  return parsed as Record<string, unknown>
}

/**
 * The 422 for a JSON-text field whose value is a Python repr: says so, and gives the value as JSON
 * (or `example` when that would be too long).
 */
export function pythonReprProblem(field: string, json: string, example: string, extra = '') {
  const shown = json.length <= MAX_EXAMPLE_CHARS ? json : example
  return fieldProblem(
    field,
    `looks like a Python ${json.startsWith('[') ? 'list' : 'dict'} (single quotes, True/False/None), not JSON text.`,
    `Send it as JSON text with double quotes, e.g. ${shown}${extra}`,
  )
}
