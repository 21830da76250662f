/** A job's definition: action and its fields (never a secret), schedule, limits, origin. */
import type { FC } from 'hono/jsx'
import type { JobView } from '../../scheduler/views.ts'
import { LocalTime } from '../components/common.tsx'
import { JobSource, JobTarget } from '../components/job-bits.tsx'
import { scheduleInWords } from '../format.ts'
import type { Session } from '../session/sessions.ts'

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

export const Definition: FC<{ job: JobView; session: Session; now: Date }> = ({
  job,
  session,
  now,
}) => {
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
