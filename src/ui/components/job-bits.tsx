/** Pieces of a job shown in several places: what it does, where it came from, how its last run went. */
import type { FC } from 'hono/jsx'
import type { JobView } from '../../scheduler/views.ts'
import { clickUpTaskUrl, withoutQuery } from '../format.ts'
import { Badge } from './common.tsx'

/** Action and target, e.g. "webhook · POST https://example.com/hook?…" (header values never exist here). */
export const JobTarget: FC<{ job: JobView; full?: boolean }> = ({ job, full = false }) => (
  <span class="target">
    <span class="kind">{job.action.type}</span>{' '}
    <span class="break">{full ? job.action.summary : withoutQuery(job.action.summary)}</span>
  </span>
)

/** Who made the job: the agent's key, or the ClickUp task (linked). */
export const JobSource: FC<{ job: JobView }> = ({ job }) =>
  job.source === 'clickup' && job.source_ref ? (
    <a href={clickUpTaskUrl(job.source_ref)} rel="noreferrer" target="_blank">
      ClickUp task {job.source_ref}
      <span class="visually-hidden"> (opens ClickUp in a new tab)</span>
    </a>
  ) : (
    <span>
      {job.source === 'api' ? 'agent key' : job.source} <strong>{job.created_by}</strong>
    </span>
  )

export const LastOutcome: FC<{ job: JobView }> = ({ job }) => {
  const last = job.last_execution
  if (!last) return <span class="muted">not run yet</span>
  const error = last.error as { class?: string | null } | null
  return (
    <span>
      <Badge status={last.status} />{' '}
      {last.response_status ? <span>HTTP {String(last.response_status)}</span> : null}
      {error?.class ? <span class="muted"> {error.class}</span> : null}
    </span>
  )
}
