/** A job's attempts (paginated) and its history of changes. */
import type { FC } from 'hono/jsx'
import type { JobChangeView, JobDetail } from '../../scheduler/service/job-detail.ts'
import { Badge, EmptyState, LocalTime } from '../components/common.tsx'
import { excerpt, formatMs } from '../format.ts'
import type { Session } from '../session/sessions.ts'

export interface ExecutionRow {
  id: string
  occurrence_at: string | null
  manual: boolean
  attempt: number
  status: string
  started_at: string | null
  lateness_ms: number
  duration_ms: number | null
  response_status: number | null
  response_body: string | null
  response_truncated: boolean | null
  error: { class: string | null; message: string } | null
}

export const Executions: FC<{
  detail: JobDetail
  rows: ExecutionRow[]
  cursor: string | null
  paged: boolean
  session: Session
  now: Date
}> = ({ detail, rows, cursor, paged, session, now }) => (
  <section aria-labelledby="executions-heading">
    <h2 id="executions-heading">Executions</h2>
    {rows.length === 0 ? (
      <EmptyState title="No attempts yet.">
        <p>
          {detail.job.next_run_at
            ? 'The first one appears here when the job runs; use “Run now” to try it at once.'
            : 'This job has no run planned; “Run now” runs it once.'}
        </p>
      </EmptyState>
    ) : (
      <table class="responsive executions">
        <caption class="visually-hidden">Attempts, newest first</caption>
        <thead>
          <tr>
            <th scope="col">Due</th>
            <th scope="col">Attempt</th>
            <th scope="col">Status</th>
            <th scope="col">Late by</th>
            <th scope="col">Duration</th>
            <th scope="col">Response</th>
            <th scope="col">Error</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((x) => (
            <tr>
              <td data-label="Due">
                <LocalTime at={x.occurrence_at} tz={session.timezone} now={now} />
              </td>
              <td data-label="Attempt">
                {String(x.attempt)}
                {x.manual ? <span class="muted"> (run now)</span> : null}
              </td>
              <td data-label="Status">
                <Badge status={x.status} />
              </td>
              <td data-label="Late by">{formatMs(x.lateness_ms)}</td>
              <td data-label="Duration">{formatMs(x.duration_ms)}</td>
              <td data-label="Response">
                {x.response_status ? `HTTP ${x.response_status}` : <span class="muted">—</span>}
                {x.response_body ? (
                  <details>
                    <summary>{excerpt(x.response_body, 40)}</summary>
                    <pre>
                      {excerpt(x.response_body, 2000)}
                      {x.response_truncated ? '\n[truncated by the server]' : ''}
                    </pre>
                  </details>
                ) : null}
              </td>
              <td data-label="Error">
                {x.error ? (
                  <span>
                    <strong>{x.error.class}</strong> {x.error.message}
                  </span>
                ) : (
                  <span class="muted">—</span>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    )}
    <nav class="pager" aria-label="Execution pages">
      {paged ? (
        <a href={`/ui/jobs/${detail.job.id}#executions-heading`}>← Newest attempts</a>
      ) : null}
      {cursor ? (
        <a href={`/ui/jobs/${detail.job.id}?runs=${encodeURIComponent(cursor)}#executions-heading`}>
          Older attempts →
        </a>
      ) : null}
    </nav>
  </section>
)

const CHANGE_WORDS: Record<string, string> = {
  create: 'Created',
  update: 'Changed',
  pause: 'Paused',
  resume: 'Resumed',
  cancel: 'Cancelled',
  run_now: 'Ran once now',
  replay: 'Replayed a failed run',
}

/** "Changed name, every (timing: every 2h)" and the like. */
export function describeChange(change: JobChangeView): string {
  const words = CHANGE_WORDS[change.change] ?? change.change
  const d = change.detail
  if (change.change === 'update') {
    const fields = Array.isArray(d.fields) ? (d.fields as string[]).join(', ') : ''
    const timing = d.timing
      ? Object.entries(d.timing as Record<string, unknown>)
          .map(([k, v]) => `${k} ${String(v)}`)
          .join(', ')
      : ''
    return `${words} ${fields}${timing ? ` (${timing})` : ''}`.trim()
  }
  if (d.from && d.to && d.from !== d.to) return `${words} (was ${String(d.from)})`
  return words
}

export const Changes: FC<{ changes: JobChangeView[]; session: Session; now: Date }> = ({
  changes,
  session,
  now,
}) => (
  <section aria-labelledby="changes-heading">
    <h2 id="changes-heading">History of changes</h2>
    {changes.length === 0 ? (
      <p class="muted">No recorded changes (the job predates the audit trail).</p>
    ) : (
      <table class="responsive compact">
        <caption class="visually-hidden">Changes, newest first</caption>
        <thead>
          <tr>
            <th scope="col">When</th>
            <th scope="col">Who</th>
            <th scope="col">Through</th>
            <th scope="col">What</th>
          </tr>
        </thead>
        <tbody>
          {changes.map((change) => (
            <tr>
              <td data-label="When">
                <LocalTime at={change.at} tz={session.timezone} now={now} />
              </td>
              <td data-label="Who">{change.actor}</td>
              <td data-label="Through">{change.via}</td>
              <td data-label="What">{describeChange(change)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    )}
  </section>
)
