/**
 * Raw JSON-RPC over HTTP to /mcp, shaped like Dify's MCP client (api/core/mcp/client/
 * streamable_client.py): only Accept, Content-Type and Authorization headers, a fresh
 * initialize → notifications/initialized → call per tool call, answers read as JSON or SSE.
 */
import type { AnyJson } from './http.ts'

/** The headers Dify sends on every POST (plus the configured Authorization header, 1.9+). */
export const DIFY_MCP_HEADERS = {
  Accept: 'application/json, text/event-stream',
  'Content-Type': 'application/json',
}

/** Anything with Hono's `request`: an app in process. */
export interface Requester {
  request(path: string, init?: RequestInit): Response | Promise<Response>
}

export interface RpcAnswer {
  status: number
  headers: Headers
  /** The JSON-RPC message of the answer (from a JSON body or the first SSE `data:` line), or null. */
  message: AnyJson | null
  text: string
}

/** The JSON-RPC message in a body Dify would accept: JSON, or an SSE stream of `data:` lines. */
export function messageOf(contentType: string | null, text: string): AnyJson | null {
  if (text === '') return null
  if (contentType?.startsWith('text/event-stream')) {
    const data = text
      .split('\n')
      .filter((line) => line.startsWith('data:'))
      .map((line) => line.slice(5).trim())
    return data.length > 0 ? JSON.parse(data.join('')) : null
  }
  return JSON.parse(text)
}

export async function postRpc(
  app: Requester,
  body: unknown,
  { headers = {}, path = '/mcp' }: { headers?: Record<string, string>; path?: string } = {},
): Promise<RpcAnswer> {
  const res = await app.request(path, {
    method: 'POST',
    headers: { ...DIFY_MCP_HEADERS, ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  })
  const text = await res.text()
  return {
    status: res.status,
    headers: res.headers,
    message: messageOf(res.headers.get('content-type'), text),
    text,
  }
}

export const initialize = (protocolVersion: string, id: number | string = 1) => ({
  jsonrpc: '2.0',
  id,
  method: 'initialize',
  params: {
    protocolVersion,
    capabilities: {},
    clientInfo: { name: 'Dify', version: '1.14.2' },
  },
})

export const initialized = { jsonrpc: '2.0', method: 'notifications/initialized' }

export const toolsList = (id: number | string = 2) => ({ jsonrpc: '2.0', id, method: 'tools/list' })

export const toolsCall = (name: string, args: unknown, id: number | string = 3) => ({
  jsonrpc: '2.0',
  id,
  method: 'tools/call',
  params: { name, arguments: args },
})

/** Dify's whole exchange for one tool call: initialize, the notification, then the call. */
export async function difyToolCall(
  app: Requester,
  auth: Record<string, string>,
  name: string,
  args: unknown,
  protocolVersion = '2025-06-18',
): Promise<RpcAnswer> {
  const init = await postRpc(app, initialize(protocolVersion), { headers: auth })
  if (init.status !== 200) throw new Error(`initialize answered ${init.status}: ${init.text}`)
  const note = await postRpc(app, initialized, { headers: auth })
  if (note.status !== 202) throw new Error(`notifications/initialized answered ${note.status}`)
  return postRpc(app, toolsCall(name, args), { headers: auth })
}

/** The text blocks of a tools/call result. */
export function textsOf(result: AnyJson): string[] {
  return (result.content as { type: string; text: string }[]).map((block) => block.text)
}
