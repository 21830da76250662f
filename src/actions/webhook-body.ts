/**
 * The webhook body as stored: its text, whether it is JSON, and the Content-Type to send. A Python
 * dict repr (Dify's text for an object) is refused with its JSON form unless plain text was meant.
 */

import type { OutboundMethod } from '../outbound/index.ts'
import { fieldProblem } from '../problem-error.ts'
import { pythonLiteralAsJson, pythonReprProblem } from './json-text.ts'

export const MAX_BODY_BYTES = 256 * 1024

export interface ParsedBody {
  body: string | null
  body_type: 'json' | 'text' | null
  content_type: string | null
  /** Notes for the response, e.g. a body dropped from a GET. */
  warnings: string[]
}

const CONTENT_TYPE_WORDS: Record<string, string> = {
  json: 'application/json',
  text: 'text/plain; charset=utf-8',
  plain: 'text/plain; charset=utf-8',
  form: 'application/x-www-form-urlencoded',
  xml: 'application/xml',
}
const MEDIA_TYPE = /^[\w.+-]+\/[\w.+-]+(?:\s*;.*)?$/

/** content_type: a media type ("text/plain"), or json/text/form/xml; null when not given. */
export function parseContentType(value: unknown): string | null {
  if (value === undefined || value === null || String(value).trim() === '') return null
  const text = String(value).trim()
  const word = CONTENT_TYPE_WORDS[text.toLowerCase()]
  if (word) return word
  if (!MEDIA_TYPE.test(text) || /[\r\n\0]/.test(text)) {
    throw fieldProblem(
      'content_type',
      `"${text}" is not a media type.`,
      'Use e.g. "application/json", "text/plain" or "application/x-www-form-urlencoded", or leave it empty.',
    )
  }
  return text
}

const isJsonType = (contentType: string) =>
  /^application\/(?:[\w.-]+\+)?json\b/i.test(contentType.trim())

/**
 * The body as stored. JSON text is JSON; a Python dict or list repr (what Dify sends for an
 * object) is refused with its JSON form, unless a non-JSON content type says plain text was meant.
 */
export function parseBody(
  value: unknown,
  method: OutboundMethod,
  contentType: string | null,
): ParsedBody {
  if (value === undefined || value === null || value === '') {
    return { body: null, body_type: null, content_type: null, warnings: [] }
  }
  if (method === 'GET') {
    return {
      body: null,
      body_type: null,
      content_type: null,
      warnings: ['body was not stored: a GET request carries no body. Use method POST to send it.'],
    }
  }
  const text = typeof value === 'string' ? value : JSON.stringify(value)
  if (Buffer.byteLength(text) > MAX_BODY_BYTES) {
    throw fieldProblem(
      'body',
      `is larger than ${MAX_BODY_BYTES / 1024} KB.`,
      'Send a smaller body, e.g. only the fields the receiver needs.',
    )
  }
  let json = true
  try {
    JSON.parse(text)
  } catch {
    json = false
  }
  const explicitText = contentType !== null && !isJsonType(contentType)
  if (!json && !explicitText) {
    const converted = pythonLiteralAsJson(text)
    if (converted !== null) {
      throw pythonReprProblem(
        'body',
        converted,
        '{"text":"Time to call Ana"}',
        '. If this exact text is meant to be sent as it is, set content_type: "text/plain".',
      )
    }
    if (contentType !== null) {
      throw fieldProblem(
        'body',
        `is not valid JSON, but content_type is ${contentType}.`,
        'Send JSON text with double quotes, e.g. {"text":"Hi Ana"}, or set content_type: "text/plain".',
      )
    }
  }
  return {
    body: text,
    body_type: json && !explicitText ? 'json' : 'text',
    content_type: contentType,
    warnings: [],
  }
}
