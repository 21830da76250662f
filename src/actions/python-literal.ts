/**
 * Reads Python dict and list literals, which Dify sends when a model passes an object for a
 * JSON-text field (`str(dict)`: single quotes, True/False/None), so the 422 can show the same value
 * as JSON.
 */

type Token = { kind: 'punct'; value: string } | { kind: 'value'; value: unknown }

/** Tokens of a Python literal, or null at the first thing that is not one. */
function tokenize(text: string): Token[] | null {
  const tokens: Token[] = []
  let i = 0
  while (i < text.length) {
    const c = text[i] ?? ''
    if (/\s/.test(c)) {
      i++
    } else if ('{}[](),:'.includes(c)) {
      tokens.push({ kind: 'punct', value: c })
      i++
    } else if (c === "'" || c === '"') {
      let value = ''
      i++
      while (i < text.length && text[i] !== c) {
        if (text[i] === '\\') {
          const next = text[i + 1] ?? ''
          value += next === 'n' ? '\n' : next === 't' ? '\t' : next
          i += 2
        } else {
          value += text[i]
          i++
        }
      }
      if (i >= text.length) return null
      i++
      tokens.push({ kind: 'value', value })
    } else {
      const word = /^(?:True|False|None|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)/.exec(text.slice(i))?.[0]
      if (!word) return null
      const constants: Record<string, unknown> = { True: true, False: false, None: null }
      tokens.push({ kind: 'value', value: word in constants ? constants[word] : Number(word) })
      i += word.length
    }
  }
  return tokens
}

/** Reads one value from tokens[at]; returns it and the next position, or null. */
function readValue(tokens: Token[], at: number): [unknown, number] | null {
  const token = tokens[at]
  if (!token) return null
  if (token.kind === 'value') return [token.value, at + 1]
  const close =
    token.value === '{' ? '}' : token.value === '[' ? ']' : token.value === '(' ? ')' : null
  if (close === null) return null
  const isObject = token.value === '{'
  const object: Record<string, unknown> = {}
  const list: unknown[] = []
  let i = at + 1
  while (tokens[i]?.kind !== 'punct' || (tokens[i] as { value: string }).value !== close) {
    const item = readValue(tokens, i)
    if (!item) return null
    i = item[1]
    if (isObject) {
      if ((tokens[i] as { value?: string } | undefined)?.value !== ':') return null
      const value = readValue(tokens, i + 1)
      if (!value) return null
      object[String(item[0])] = value[0]
      i = value[1]
    } else {
      list.push(item[0])
    }
    const separator = tokens[i]
    if (separator?.kind === 'punct' && separator.value === ',') i++
    else if (!(separator?.kind === 'punct' && separator.value === close)) return null
  }
  return [isObject ? object : list, i + 1]
}

/**
 * The JSON text for a Python dict or list literal ("{'text': 'hi', 'urgent': True}" →
 * '{"text":"hi","urgent":true}'), or null when `text` is not one.
 */
export function pythonLiteralAsJson(text: string): string | null {
  const trimmed = text.trim()
  if (!/^[[{]/.test(trimmed)) return null
  const tokens = tokenize(trimmed)
  if (!tokens) return null
  const read = readValue(tokens, 0)
  if (!read || read[1] !== tokens.length) return null
  return JSON.stringify(read[0])
}
