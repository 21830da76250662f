/** Editing a job's timing: the form, the preview of the next runs, then saving what was previewed. */
import type { FC } from 'hono/jsx'
import type { FieldError } from '../../problem-error.ts'
import type { PreviewResult } from '../../scheduler/service/read.ts'
import type { JobView } from '../../scheduler/views.ts'
import { CsrfField, FieldErrors, LocalTime } from '../components/common.tsx'
import type { Session } from '../session/sessions.ts'

export const TIMING_KINDS = [
  { value: 'run_at', label: 'Once, at a time (run_at)' },
  { value: 'delay', label: 'Once, after a delay' },
  { value: 'every', label: 'Every interval' },
  { value: 'cron', label: 'On a cron expression' },
] as const
export type TimingKind = (typeof TIMING_KINDS)[number]['value']

/** What the timing form holds (all text, as typed). */
export interface TimingForm {
  kind: TimingKind
  value: string
  timezone: string
  starts_at: string
  ends_at: string
  max_runs: string
}

/** The form prefilled with the job's current timing. */
export function timingFormOf(job: JobView): TimingForm {
  const s = job.schedule as Record<string, unknown>
  const text = (v: unknown) => (v === null || v === undefined ? '' : String(v))
  const base = { timezone: job.timezone, starts_at: '', ends_at: '', max_runs: '' }
  switch (s.type) {
    case 'interval':
      return { ...base, kind: 'every', value: text(s.every), max_runs: text(s.max_runs) }
    case 'cron':
      return {
        ...base,
        kind: 'cron',
        value: text(s.cron),
        ends_at: text(s.ends_at),
        max_runs: text(s.max_runs),
      }
    default:
      return { ...base, kind: 'run_at', value: text(job.next_run_local ?? s.run_at) }
  }
}

export interface TimingSectionProps {
  job: JobView
  session: Session
  now: Date
  form: TimingForm
  preview?: PreviewResult | null
  problem?: { detail: string; errors?: FieldError[] } | null
}

const Hidden: FC<{ form: TimingForm }> = ({ form }) => (
  <>
    {Object.entries(form).map(([name, value]) => (
      <input type="hidden" name={name} value={value} />
    ))}
  </>
)

export const TimingSection: FC<TimingSectionProps> = ({
  job,
  session,
  now,
  form,
  preview,
  problem,
}) => {
  const action = `/ui/jobs/${job.id}/timing`
  return (
    <section id="timing" class="card" aria-labelledby="timing-heading">
      <h2 id="timing-heading">Change the timing</h2>
      <p class="hint">
        The same rules as the <code>updateJob</code> tool: one of run_at, delay, every or cron.
        Preview the next runs first; nothing changes until you save.
      </p>
      <FieldErrors detail={problem?.detail} errors={problem?.errors} />
      <form
        method="post"
        action={action}
        class="timing-form"
        hx-post={action}
        hx-target="#timing"
        hx-swap="outerHTML"
      >
        <CsrfField token={session.csrfToken} />
        <input type="hidden" name="intent" value="preview" />
        <div class="field">
          <label for="timing-kind">Kind</label>
          <select id="timing-kind" name="kind">
            {TIMING_KINDS.map((k) => (
              <option value={k.value} selected={k.value === form.kind}>
                {k.label}
              </option>
            ))}
          </select>
        </div>
        <div class="field grow">
          <label for="timing-value">Value</label>
          <input
            id="timing-value"
            name="value"
            type="text"
            required
            maxlength={200}
            value={form.value}
            aria-describedby="timing-value-hint"
          />
          <p class="hint" id="timing-value-hint">
            e.g. 2026-12-01T09:00 (local time in the zone below), 2h, 15m, 0 9 * * MON-FRI
          </p>
        </div>
        <div class="field">
          <label for="timing-tz">Time zone</label>
          <input id="timing-tz" name="timezone" type="text" maxlength={100} value={form.timezone} />
        </div>
        <div class="field">
          <label for="timing-starts">Starts at (every/cron)</label>
          <input
            id="timing-starts"
            name="starts_at"
            type="text"
            maxlength={100}
            value={form.starts_at}
          />
        </div>
        <div class="field">
          <label for="timing-ends">Ends at (every/cron)</label>
          <input id="timing-ends" name="ends_at" type="text" maxlength={100} value={form.ends_at} />
        </div>
        <div class="field">
          <label for="timing-max">Max runs (every/cron)</label>
          <input
            id="timing-max"
            name="max_runs"
            type="text"
            inputmode="numeric"
            maxlength={10}
            value={form.max_runs}
          />
        </div>
        <div class="field buttons">
          <button type="submit" class="button secondary">
            Preview
          </button>
        </div>
      </form>
      {preview ? (
        <div class="preview" role="status" tabindex={-1} data-focus-after-swap="">
          <h3>Preview</h3>
          <p>{preview.summary}</p>
          {preview.warnings.length ? (
            <ul class="warnings">
              {preview.warnings.map((w) => (
                <li>{w}</li>
              ))}
            </ul>
          ) : null}
          <ol class="runs">
            {preview.next_runs.map((run) => (
              <li>
                <LocalTime at={run.utc} tz={session.timezone} now={now} />
              </li>
            ))}
          </ol>
          <form method="post" action={action}>
            <CsrfField token={session.csrfToken} />
            <Hidden form={form} />
            <input type="hidden" name="intent" value="save" />
            <button type="submit" class="button">
              Save this timing
            </button>
          </form>
        </div>
      ) : null}
    </section>
  )
}
