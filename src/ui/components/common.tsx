/** Small shared pieces: times with a UTC tooltip, status badges, notices, empty states, form errors. */
import type { Child, FC } from 'hono/jsx'
import type { FieldError } from '../../problem-error.ts'
import { formatLocal, formatUtc } from '../format.ts'
import { CSRF_FIELD } from '../session/middleware.ts'

export const CsrfField: FC<{ token: string }> = ({ token }) => (
  <input type="hidden" name={CSRF_FIELD} value={token} />
)

/** `<time datetime>` in the viewer's zone, UTC in the tooltip. */
export const LocalTime: FC<{
  at: string | Date | null | undefined
  tz: string
  now: Date
  empty?: string
}> = ({ at, tz, now, empty = '—' }) => {
  if (!at) return <span class="muted">{empty}</span>
  const date = typeof at === 'string' ? new Date(at) : at
  return (
    <time datetime={date.toISOString()} title={formatUtc(date)}>
      {formatLocal(date, tz, now)}
    </time>
  )
}

const STATUS_TONE: Record<string, string> = {
  scheduled: 'info',
  paused: 'warn',
  completed: 'ok',
  cancelled: 'neutral',
  failed: 'bad',
  succeeded: 'ok',
  running: 'info',
  active: 'ok',
  failing: 'warn',
  suspended: 'bad',
  missing: 'bad',
  unknown: 'neutral',
}

export const Badge: FC<{ status: string; label?: string }> = ({ status, label }) => (
  <span class={`badge tone-${STATUS_TONE[status] ?? 'neutral'}`}>{label ?? status}</span>
)

/** A message after an action: polite status for success, an alert for a failure. */
export const Notice: FC<{ kind: 'ok' | 'error'; id?: string; children?: Child }> = ({
  kind,
  id,
  children,
}) => (
  <div
    id={id}
    class={`notice notice-${kind}`}
    role={kind === 'error' ? 'alert' : 'status'}
    tabindex={-1}
    data-focus-after-swap=""
  >
    {children}
  </div>
)

export const EmptyState: FC<{ title: string; children?: Child }> = ({ title, children }) => (
  <div class="empty">
    <p class="empty-title">{title}</p>
    {children}
  </div>
)

/** The field errors of a refused form, as a list linked to the fields. */
export const FieldErrors: FC<{
  errors: FieldError[] | undefined
  detail?: string
  /** The first words, e.g. "Not saved." */
  lead?: string
}> = ({ errors, detail, lead = 'Not saved.' }) =>
  errors?.length || detail ? (
    <div class="notice notice-error" role="alert" tabindex={-1} data-focus-after-swap="">
      <p>
        <strong>{lead}</strong> {detail ?? 'Fix these fields:'}
      </p>
      {errors?.length ? (
        <ul class="notice-list">
          {errors.map((e) => (
            <li>
              <strong>{e.field}</strong> {e.message} <span class="muted">{e.hint}</span>
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  ) : null
