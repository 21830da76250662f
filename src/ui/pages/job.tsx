/** One job: state and actions, definition, next runs, timing editor, executions, history of changes. */
import type { FC } from 'hono/jsx'
import type { JobChangeView, JobDetail } from '../../scheduler/service/job-detail.ts'
import type { JobView } from '../../scheduler/views.ts'
import { Badge, CsrfField, EmptyState, LocalTime, Notice } from '../components/common.tsx'
import { JobSource, JobTarget } from '../components/job-bits.tsx'
import { Layout } from '../components/layout.tsx'
import { excerpt, formatMs, scheduleInWords } from '../format.ts'
import type { Session } from '../session/sessions.ts'
import type { StaticAssets } from '../static.ts'
import { TimingSection, type TimingSectionProps } from './job-timing.tsx'

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

export interface JobBodyProps {
  detail: JobDetail
  executions: ExecutionRow[]
  executionsCursor: string | null
  executionsPaged: boolean
  session: Session
  now: Date
  notice?: { kind: 'ok' | 'error'; text: string } | null
  timing?: Omit<TimingSectionProps, 'job' | 'session' | 'now'> | null
}

const ActionForm: FC<{
  job: JobView
  verb: string
  label: string
  session: Session
  tone?: string
}> = ({ job, verb, label, session, tone = 'button' }) => {
  const action = `/ui/jobs/${job.id}/${verb}`
  return (
    <form method="post" action={action} hx-post={action} hx-target="#job-page" hx-swap="outerHTML">
      <CsrfField token={session.csrfToken} />
      <button type="submit" class={tone}>
        {label}
      </button>
    </form>
  )
}

const JobActions: FC<{ job: JobView; session: Session }> = ({ job, session }) => (
  <fieldset class="job-actions">
    <legend class="visually-hidden">Actions</legend>
    {job.status === 'scheduled' ? (
      <ActionForm job={job} verb="pause" label="Pause" session={session} />
    ) : null}
    {job.status === 'paused' ? (
      <ActionForm job={job} verb="resume" label="Resume" session={session} />
    ) : null}
    {job.status !== 'cancelled' ? (
      <ActionForm job={job} verb="run" label="Run now" session={session} tone="button secondary" />
    ) : null}
    {job.status === 'scheduled' || job.status === 'paused' ? (
      <details class="confirm">
        <summary class="button danger-outline">Cancel job…</summary>
        <div class="confirm-body">
          <p>Cancelling is for good: the job never runs again (its history stays).</p>
          <ActionForm
            job={job}
            verb="cancel"
            label="Yes, cancel this job"
            session={session}
            tone="button danger"
          />
        </div>
      </details>
    ) : null}
  </fieldset>
)

/** Action fields as stored (never a secret: header values are not in the view at all). */
const ActionParams: FC<{ job: JobView }> = ({ job }) => {
  const { type: _type, summary: _summary, ...params } = job.action as Record<string, unknown>
  return (
    <>
      {Object.entries(params).map(([name, value]) => (
        <>
          <dt>{name === 'header_names' ? 'headers' : name}</dt>
          <dd>
            {name === 'header_names' && Array.isArray(value) ? (
              value.length ? (
                <span>
                  {value.join(', ')} <span class="muted">(values are write-only)</span>
                </span>
              ) : (
                <span class="muted">none</span>
              )
            ) : value === null || value === undefined || value === '' ? (
              <span class="muted">—</span>
            ) : typeof value === 'object' ? (
              <pre>{JSON.stringify(value, null, 2)}</pre>
            ) : String(value).length > 80 ? (
              <pre>{String(value)}</pre>
            ) : (
              <span class="break">{String(value)}</span>
            )}
          </dd>
        </>
      ))}
    </>
  )
}

const Definition: FC<{ job: JobView; session: Session; now: Date }> = ({ job, session, now }) => {
  const s = job.schedule as Record<string, unknown>
  return (
    <dl class="definition">
      <dt>Id</dt>
      <dd>
        <code>{job.id}</code>
      </dd>
      {job.description ? (
        <>
          <dt>Description</dt>
          <dd>{job.description}</dd>
        </>
      ) : null}
      <dt>Action</dt>
      <dd>
        <JobTarget job={job} full />
      </dd>
      <ActionParams job={job} />
      <dt>Schedule</dt>
      <dd>
        {scheduleInWords(job.schedule)} <span class="muted">in {job.timezone}</span>
      </dd>
      {s.starts_at ? (
        <>
          <dt>Starts</dt>
          <dd>
            <LocalTime at={String(s.starts_at)} tz={session.timezone} now={now} />
          </dd>
        </>
      ) : null}
      {s.ends_at ? (
        <>
          <dt>Ends</dt>
          <dd>
            <LocalTime at={String(s.ends_at)} tz={session.timezone} now={now} />
          </dd>
        </>
      ) : null}
      {s.max_runs ? (
        <>
          <dt>Max runs</dt>
          <dd>{String(s.max_runs)}</dd>
        </>
      ) : null}
      <dt>Runs so far</dt>
      <dd>{String(job.run_count)}</dd>
      <dt>Attempts per run</dt>
      <dd>
        {String(job.max_attempts)}, each up to {String(job.timeout_seconds)} s
      </dd>
      <dt>Tags</dt>
      <dd>{job.tags.length ? job.tags.join(', ') : <span class="muted">none</span>}</dd>
      <dt>Source</dt>
      <dd>
        <JobSource job={job} />
      </dd>
      <dt>Created</dt>
      <dd>
        <LocalTime at={job.created_at} tz={session.timezone} now={now} />
      </dd>
      {job.dedupe_key ? (
        <>
          <dt>Dedupe key</dt>
          <dd>
            <code>{job.dedupe_key}</code>
          </dd>
        </>
      ) : null}
    </dl>
  )
}

const NextRuns: FC<{ detail: JobDetail; session: Session; now: Date }> = ({
  detail,
  session,
  now,
}) =>
  detail.next_runs.length ? (
    <ol class="runs">
      {detail.next_runs.map((run) => (
        <li>
          <LocalTime at={run.utc} tz={session.timezone} now={now} />
        </li>
      ))}
    </ol>
  ) : (
    <p class="muted">
      Nothing is planned ({detail.job.status === 'paused' ? 'paused' : detail.job.status}).
    </p>
  )

const Executions: FC<{
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

const Changes: FC<{ changes: JobChangeView[]; session: Session; now: Date }> = ({
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

/** Everything below the header: what htmx swaps after an action. */
export const JobBody: FC<JobBodyProps> = (props) => {
  const { detail, session, now } = props
  const job = detail.job
  return (
    <div id="job-page">
      <p class="breadcrumb">
        <a href="/ui/jobs">Jobs</a> /
      </p>
      <h1>
        {job.name} <Badge status={job.status} />
      </h1>
      {props.notice ? (
        <Notice kind={props.notice.kind} id="job-notice">
          {props.notice.text}
        </Notice>
      ) : null}
      <p class="summary">{detail.summary}</p>
      <JobActions job={job} session={session} />
      <div class="columns">
        <section aria-labelledby="definition-heading">
          <h2 id="definition-heading">Definition</h2>
          <Definition job={job} session={session} now={now} />
        </section>
        <section aria-labelledby="next-heading">
          <h2 id="next-heading">Next runs</h2>
          <NextRuns detail={detail} session={session} now={now} />
        </section>
      </div>
      {job.status !== 'cancelled' && props.timing ? (
        <TimingSection job={job} session={session} now={now} {...props.timing} />
      ) : null}
      <Executions
        detail={detail}
        rows={props.executions}
        cursor={props.executionsCursor}
        paged={props.executionsPaged}
        session={session}
        now={now}
      />
      <Changes changes={detail.changes} session={session} now={now} />
    </div>
  )
}

export const JobPage: FC<JobBodyProps & { assets: StaticAssets }> = (props) => (
  <Layout title={props.detail.job.name} assets={props.assets} session={props.session} nav="jobs">
    <JobBody {...props} />
  </Layout>
)
