/** One job's page: its state and actions, next runs and timing editor, around the definition and history. */
import type { FC } from 'hono/jsx'
import type { JobDetail } from '../../scheduler/service/job-detail.ts'
import type { JobView } from '../../scheduler/views.ts'
import { Badge, CsrfField, LocalTime, Notice } from '../components/common.tsx'
import { Layout } from '../components/layout.tsx'
import type { Session } from '../session/sessions.ts'
import type { StaticAssets } from '../static.ts'
import { Definition } from './job-definition.tsx'
import { Changes, type ExecutionRow, Executions } from './job-history.tsx'
import { TimingSection, type TimingSectionProps } from './job-timing.tsx'

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

export type { ExecutionRow } from './job-history.tsx'
