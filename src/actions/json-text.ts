/** Parses the JSON-text fields agents send (Dify passes structured values as strings) with LLM-usable errors. */
import { findUnstorableText } from '../db/storable-text.ts'
import { fieldProblem, unstorableTextProblem } from '../http/problem-error.ts'

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
    // Dify turns an object argument into a Python repr ({'a': 'b'}), which is not JSON.
    const looksLikePython = /^\{\s*'/.test(text)
    throw fieldProblem(
      field,
      looksLikePython ? 'looks like a Python dict, not JSON text.' : 'is not valid JSON text.',
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
