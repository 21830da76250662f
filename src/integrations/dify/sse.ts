/**
 * An incremental Server-Sent Events parser (WHATWG HTML §9.2.6) for Dify's streaming answers: events
 * may arrive split across any number of chunks, lines may end in CRLF, LF or CR.
 */

export interface SseEvent {
  /** The `event:` field; Dify sends its keep-alive as `event: ping` with no data. */
  event: string | null
  /** The `data:` lines joined with newlines. */
  data: string
}

export interface SseParser {
  /** Feeds decoded text; returns the events completed by it. */
  push(text: string): SseEvent[]
  /** Ends the stream: a last event without its blank line is dispatched too. */
  end(): SseEvent[]
}

const LINE_END = /\r\n|\n|\r/

export function createSseParser(): SseParser {
  let buffer = ''
  let data: string[] = []
  let event: string | null = null

  function dispatch(out: SseEvent[]) {
    if (data.length > 0 || event !== null) out.push({ event, data: data.join('\n') })
    data = []
    event = null
  }

  function handleLine(line: string, out: SseEvent[]) {
    if (line === '') return dispatch(out)
    if (line.startsWith(':')) return // a comment, e.g. a proxy's keep-alive
    const colon = line.indexOf(':')
    const field = colon < 0 ? line : line.slice(0, colon)
    let value = colon < 0 ? '' : line.slice(colon + 1)
    if (value.startsWith(' ')) value = value.slice(1)
    if (field === 'data') data.push(value)
    else if (field === 'event') event = value
  }

  return {
    push(text) {
      buffer += text
      const out: SseEvent[] = []
      for (;;) {
        const match = LINE_END.exec(buffer)
        if (!match) break
        // A CR at the very end may be the first half of a CRLF split across chunks.
        if (match[0] === '\r' && match.index === buffer.length - 1) break
        const line = buffer.slice(0, match.index)
        buffer = buffer.slice(match.index + match[0].length)
        handleLine(line, out)
      }
      return out
    },
    end() {
      const out: SseEvent[] = []
      if (buffer !== '') handleLine(buffer.replace(/\r$/, ''), out)
      buffer = ''
      dispatch(out)
      return out
    },
  }
}
