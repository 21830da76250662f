/** Parses the JSON-text fields agents send (Dify passes structured values as strings) with LLM-usable errors. */
import { fieldProblem } from '../http/problem-error.ts'

/** A JSON object given as text (or, from non-Dify clients, as an object). Throws a 422 naming `field`. */
export function parseJsonTextObject(
  field: string,
  value: unknown,
  example: string,
): Record<string, unknown> {
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
