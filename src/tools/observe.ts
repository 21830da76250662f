/** Counts and times every tool call, whichever face it came through, by how it ended. */
import { isDatabaseUnavailable } from '../db/unavailable.ts'
import type { Metrics } from '../metrics.ts'
import { ProblemError } from '../problem-error.ts'

/** ok; rejected: a problem the caller can act on (4xx); unavailable: the database; error: a fault. */
export type ToolOutcome = 'ok' | 'rejected' | 'unavailable' | 'error'

export type ToolFace = 'api' | 'mcp' | 'ui'

export function outcomeOf(err: unknown): ToolOutcome {
  if (err instanceof ProblemError) return err.status < 500 ? 'rejected' : 'unavailable'
  return isDatabaseUnavailable(err) ? 'unavailable' : 'error'
}

export interface ToolCallRecord {
  tool: string
  face: ToolFace
  outcome: ToolOutcome
  durationMs: number
}

/** Runs `call`, records it, and passes its result or error through unchanged. */
export async function observeToolCall<T>(
  metrics: Pick<Metrics, 'toolCalls' | 'toolDuration'>,
  labels: { tool: string; face: ToolFace },
  call: () => Promise<T>,
  onDone?: (record: ToolCallRecord, err?: unknown) => void,
): Promise<T> {
  const started = performance.now()
  const done = (outcome: ToolOutcome, err?: unknown) => {
    const durationMs = performance.now() - started
    metrics.toolCalls.inc({ ...labels, outcome })
    metrics.toolDuration.observe(labels, durationMs / 1000)
    onDone?.({ ...labels, outcome, durationMs }, err)
  }
  try {
    const result = await call()
    done('ok')
    return result
  } catch (err) {
    done(outcomeOf(err), err)
    throw err
  }
}
