/** Small helpers for engine tests: real delays, polling for a condition, and execution rows read with SQL. */
import type { Queryable } from '../../src/db/pool.ts'
import type { ReceivedRequest } from './webhook-receiver.ts'

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

/** Polls `check` until it returns a truthy value (returned) or `timeoutMs` passes (throws `what`). */
export async function waitUntil<T>(
  what: string,
  check: () => Promise<T> | T,
  timeoutMs = 10_000,
  intervalMs = 50,
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs
  let last: T | undefined
  for (;;) {
    last = await check()
    if (last) return last as NonNullable<T>
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    }
    await sleep(intervalMs)
  }
}

export interface ExecutionRow {
  id: string
  job_id: string
  boss_job_id: string
  occurrence_at: Date
  manual: boolean
  attempt: number
  status: string
  started_at: Date
  finished_at: Date | null
  lateness_ms: number
  response_status: number | null
  error_class: string | null
  error_message: string | null
}

/** Every execution row of a job, oldest first. */
export async function executionRows(db: Queryable, jobId: string): Promise<ExecutionRow[]> {
  const result = await db.query<ExecutionRow>(
    `select id, job_id, boss_job_id, occurrence_at, manual, attempt, status, started_at, finished_at,
            lateness_ms, response_status, error_class, error_message
       from job_executions where job_id = $1 order by started_at, attempt, id`,
    [jobId],
  )
  return result.rows
}

/** Header value as a single string. */
export function header(request: ReceivedRequest, name: string): string {
  const value = request.headers[name.toLowerCase()]
  return Array.isArray(value) ? value.join(',') : (value ?? '')
}

/** Milliseconds between the occurrence a request carries (X-Occurrence-At) and its arrival. */
export function arrivalLatenessMs(request: ReceivedRequest): number {
  return request.at - Date.parse(header(request, 'x-occurrence-at'))
}

/** Requests whose path starts with `prefix`. */
export function requestsTo(requests: readonly ReceivedRequest[], prefix: string) {
  return requests.filter((r) => r.path.startsWith(prefix))
}
