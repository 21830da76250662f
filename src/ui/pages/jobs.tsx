/** The jobs list: filters, newest first, one row per job, keyset pages. */
import type { FC } from 'hono/jsx'
import type { FieldError } from '../../problem-error.ts'
import { JOB_STATUSES } from '../../scheduler/states.ts'
import type { JobView } from '../../scheduler/views.ts'
import { Badge, EmptyState, FieldErrors, LocalTime } from '../components/common.tsx'
import { JobSource, JobTarget, LastOutcome } from '../components/job-bits.tsx'
import { Layout } from '../components/layout.tsx'
import { scheduleInWords } from '../format.ts'
import type { Session } from '../session/sessions.ts'
import type { StaticAssets } from '../static.ts'

export interface JobFilters {
  status: string
  action: string
  source: string
  tag: string
  q: string
}

export interface JobsPageProps {
  assets: StaticAssets
  session: Session
  now: Date
  publicUrl: string
  actions: string[]
  filters: JobFilters
  jobs: JobView[]
  nextCursor: string | null
  /** On a later page (a cursor was given). */
  paged: boolean
  problem?: { detail: string; errors?: FieldError[] } | null
}

const SOURCES = [
  { value: 'api', label: 'Agents (API)' },
  { value: 'clickup', label: 'ClickUp' },
]

function filterQuery(filters: JobFilters, extra: Record<string, string> = {}): string {
  const params = new URLSearchParams()
  for (const [key, value] of Object.entries({ ...filters, ...extra })) {
    if (value) params.set(key, value)
  }
  const text = params.toString()
  return text ? `?${text}` : ''
}

const Select: FC<{
  id: string
  label: string
  value: string
  options: { value: string; label: string }[]
}> = ({ id, label, value, options }) => (
  <div class="field">
    <label for={id}>{label}</label>
    <select id={id} name={id}>
      <option value="">All</option>
      {options.map((o) => (
        <option value={o.value} selected={o.value === value}>
          {o.label}
        </option>
      ))}
    </select>
  </div>
)

const Filters: FC<{ filters: JobFilters; actions: string[] }> = ({ filters, actions }) => (
  <form method="get" action="/ui/jobs" class="filters" aria-label="Filter jobs">
    <Select
      id="status"
      label="Status"
      value={filters.status}
      options={JOB_STATUSES.map((s) => ({ value: s, label: s }))}
    />
    <Select
      id="action"
      label="Action"
      value={filters.action}
      options={actions.map((a) => ({ value: a, label: a }))}
    />
    <Select id="source" label="Source" value={filters.source} options={SOURCES} />
    <div class="field">
      <label for="tag">Tag</label>
      <input id="tag" name="tag" type="text" value={filters.tag} maxlength={50} />
    </div>
    <div class="field grow">
      <label for="q">Name contains</label>
      <input id="q" name="q" type="search" value={filters.q} maxlength={200} />
    </div>
    <div class="field buttons">
      <button type="submit" class="button">
        Filter
      </button>
      <a class="button secondary" href="/ui/jobs">
        Clear
      </a>
    </div>
  </form>
)

const NoJobsYet: FC<{ publicUrl: string }> = ({ publicUrl }) => (
  <EmptyState title="No jobs yet.">
    <p>Agents create jobs through this server’s tools. To connect Dify:</p>
    <ol>
      <li>
        In Dify, <em>Tools → Custom → Create Custom Tool</em>, import{' '}
        <code>{publicUrl}/openapi.json</code>.
      </li>
      <li>
        Authentication: <em>API Key</em>, header <code>Authorization</code>, prefix{' '}
        <code>Bearer</code>, with one of the keys in <code>API_KEYS</code>.
      </li>
      <li>Add the tools to an agent and ask it: “remind me in 10 minutes to stretch”.</li>
    </ol>
    <p>
      Or try the API at <a href="/docs">/docs</a>. ClickUp rules create jobs too:{' '}
      <a href="/ui/clickup">ClickUp</a>.
    </p>
  </EmptyState>
)

export const JobsTable: FC<{ jobs: JobView[]; session: Session; now: Date }> = ({
  jobs,
  session,
  now,
}) => (
  <table class="jobs responsive">
    <caption class="visually-hidden">Jobs, newest first</caption>
    <thead>
      <tr>
        <th scope="col">Name</th>
        <th scope="col">Status</th>
        <th scope="col">Action and target</th>
        <th scope="col">Schedule</th>
        <th scope="col">Next run</th>
        <th scope="col">Last outcome</th>
        <th scope="col">Source</th>
      </tr>
    </thead>
    <tbody>
      {jobs.map((job) => (
        <tr>
          <th scope="row" data-label="Name">
            <a href={`/ui/jobs/${job.id}`}>{job.name}</a>
            {job.tags.length ? (
              <span class="tags">
                {job.tags.map((t) => (
                  <span class="tag">{t}</span>
                ))}
              </span>
            ) : null}
          </th>
          <td data-label="Status">
            <Badge status={job.status} />
          </td>
          <td data-label="Action">
            <JobTarget job={job} />
          </td>
          <td data-label="Schedule">{scheduleInWords(job.schedule)}</td>
          <td data-label="Next run">
            <LocalTime at={job.next_run_at} tz={session.timezone} now={now} />
          </td>
          <td data-label="Last outcome">
            <LastOutcome job={job} />
          </td>
          <td data-label="Source">
            <JobSource job={job} />
          </td>
        </tr>
      ))}
    </tbody>
  </table>
)

export const JobsPage: FC<JobsPageProps> = (props) => {
  const { filters, jobs, nextCursor, paged } = props
  const filtered = Object.values(filters).some(Boolean)
  return (
    <Layout title="Jobs" assets={props.assets} session={props.session} nav="jobs">
      <h1>Jobs</h1>
      <Filters filters={filters} actions={props.actions} />
      {props.problem ? (
        <FieldErrors
          lead="Cannot filter like that."
          detail={props.problem.detail}
          errors={props.problem.errors}
        />
      ) : null}
      {jobs.length === 0 && !props.problem ? (
        filtered || paged ? (
          <EmptyState title="No job matches these filters.">
            <p>
              <a href="/ui/jobs">Clear the filters</a> to see every job.
            </p>
          </EmptyState>
        ) : (
          <NoJobsYet publicUrl={props.publicUrl} />
        )
      ) : null}
      {jobs.length > 0 ? <JobsTable jobs={jobs} session={props.session} now={props.now} /> : null}
      <nav class="pager" aria-label="Pages">
        {paged ? <a href={`/ui/jobs${filterQuery(filters)}`}>← Newest jobs</a> : null}
        {nextCursor ? (
          <a href={`/ui/jobs${filterQuery(filters, { cursor: nextCursor })}`} rel="next">
            Older jobs →
          </a>
        ) : null}
      </nav>
    </Layout>
  )
}
