/**
 * One HTTP exchange as an undici dispatch handler: it keeps the status, the headers and at most
 * `limit` body bytes, and settles one promise. This is the webhook hot path: `Agent.request` wraps
 * every response in a Readable stream, an async resource and an abort-signal listener, ~18 % of a
 * call's CPU (docs/performance.md); a handler collecting into an array costs none of that.
 */
import type { Dispatcher } from 'undici'

export interface CollectedResponse {
  status: number
  headers: Dispatcher.ResponseData['headers']
  /** The kept bytes (empty when the body was discarded). */
  body: Buffer
  /** More than `limit` bytes were sent; the connection was closed after the first `limit`. */
  truncated: boolean
}

export interface CollectOptions {
  /** Body bytes kept; past it the download stops. */
  limit: number
  /**
   * Called with the status and headers before any body arrives; when it returns a number, the body
   * is not kept but drained up to that many bytes (e.g. a redirect's), and the connection closed if
   * there are more.
   */
  discardBody?: (status: number, headers: Dispatcher.ResponseData['headers']) => number | undefined
}

/** Thrown into undici to stop a download we have enough of; never reaches a caller. */
class EnoughBytes extends Error {
  constructor() {
    super('response body limit reached')
    this.name = 'EnoughBytes'
  }
}

export class ResponseCollector implements Dispatcher.DispatchHandler {
  readonly done: Promise<CollectedResponse>
  #resolve!: (response: CollectedResponse) => void
  #reject!: (error: Error) => void
  #settled = false
  #controller: Dispatcher.DispatchController | undefined
  #abortReason: Error | undefined
  #limit: number
  #keep = true
  #discardBody: CollectOptions['discardBody']
  #status = 0
  #headers: Dispatcher.ResponseData['headers'] = {}
  #chunks: Buffer[] = []
  #size = 0

  constructor(options: CollectOptions) {
    this.#limit = options.limit
    this.#discardBody = options.discardBody
    this.done = new Promise((resolve, reject) => {
      this.#resolve = resolve
      this.#reject = reject
    })
  }

  /** Ends the exchange now with `reason` (deadline, caller); the connection is closed if in use. */
  abort(reason: Error): void {
    if (this.#settled) return
    this.#fail(reason)
    // Not started yet (waiting for a connection): undici aborts it when it starts.
    if (this.#controller) this.#controller.abort(reason)
    else this.#abortReason = reason
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.#controller = controller
    if (this.#abortReason) controller.abort(this.#abortReason)
  }

  onResponseStart(
    _controller: Dispatcher.DispatchController,
    statusCode: number,
    headers: Dispatcher.ResponseData['headers'],
  ): void {
    // 1xx informational responses come first; the real one follows.
    if (statusCode < 200) return
    this.#status = statusCode
    this.#headers = headers
    const drainLimit = this.#discardBody?.(statusCode, headers)
    if (drainLimit !== undefined) {
      this.#keep = false
      this.#limit = drainLimit
    }
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.#settled) return
    if (this.#size + chunk.length > this.#limit) {
      if (this.#keep) this.#chunks.push(chunk.subarray(0, this.#limit - this.#size))
      this.#size = this.#limit
      this.#finish(true)
      controller.abort(new EnoughBytes())
      return
    }
    if (this.#keep) this.#chunks.push(chunk)
    this.#size += chunk.length
  }

  onResponseEnd(): void {
    this.#finish(false)
  }

  onResponseError(_controller: Dispatcher.DispatchController | null, error: Error): void {
    this.#fail(error)
  }

  #finish(truncated: boolean): void {
    if (this.#settled) return
    this.#settled = true
    const chunks = this.#chunks
    const body = chunks.length === 1 && chunks[0] ? chunks[0] : Buffer.concat(chunks)
    this.#resolve({ status: this.#status, headers: this.#headers, body, truncated })
  }

  #fail(error: Error): void {
    if (this.#settled) return
    this.#settled = true
    this.#reject(error)
  }
}
