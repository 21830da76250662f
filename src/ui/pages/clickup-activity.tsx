/** The ClickUp page's record of what happened: the last reconciliation and the recent events. */
import type { FC } from 'hono/jsx'
import type {
  EventRecord,
  ReconciliationRecord,
} from '../../integrations/clickup/activity-repository.ts'
import { CsrfField, LocalTime, Notice } from '../components/common.tsx'
import { clickUpTaskUrl } from '../format.ts'
import type { Session } from '../session/sessions.ts'

export const Reconciliation: FC<{
  last: ReconciliationRecord | null
  session: Session
  now: Date
}> = ({ last, session, now }) => (
  <section aria-labelledby="reconcile-heading">
    <div class="section-head">
      <h2 id="reconcile-heading">Reconciliation</h2>
      <form method="post" action="/ui/clickup/reconcile">
        <CsrfField token={session.csrfToken} />
        <button type="submit" class="button secondary">
          Reconcile now
        </button>
      </form>
    </div>
    {last === null ? (
      <p class="muted">
        No pass has run yet. Passes re-read the tasks of every rule and fix jobs that missed an
        event; they run every CLICKUP_RECONCILE_INTERVAL_MINUTES.
      </p>
    ) : last.error ? (
      <Notice kind="error">
        The last pass (<LocalTime at={last.finishedAt} tz={session.timezone} now={now} />) failed:{' '}
        {last.error}
      </Notice>
    ) : (
      <p>
        Last pass <LocalTime at={last.finishedAt} tz={session.timezone} now={now} />:{' '}
        {['tasks_checked', 'created', 'updated', 'cancelled', 'unchanged', 'skipped']
          .map((k) => `${String(last.result?.[k] ?? 0)} ${k.replace('_', ' ')}`)
          .join(', ')}
        .
        {Array.isArray(last.result?.webhook_problems) && last.result.webhook_problems.length ? (
          <strong> {String(last.result.webhook_problems.length)} webhook(s) need attention.</strong>
        ) : null}
      </p>
    )}
  </section>
)

export const Events: FC<{ events: EventRecord[]; session: Session; now: Date }> = ({
  events,
  session,
  now,
}) => (
  <section aria-labelledby="events-heading">
    <h2 id="events-heading">Recent events</h2>
    {events.length === 0 ? (
      <p class="muted">No event received yet. They appear here once a webhook delivers one.</p>
    ) : (
      <table class="responsive compact">
        <caption class="visually-hidden">Recent ClickUp events, newest first</caption>
        <thead>
          <tr>
            <th scope="col">Received</th>
            <th scope="col">Event</th>
            <th scope="col">Task</th>
            <th scope="col">What it did</th>
          </tr>
        </thead>
        <tbody>
          {events.map((e) => (
            <tr>
              <td data-label="Received">
                <LocalTime at={e.receivedAt} tz={session.timezone} now={now} />
              </td>
              <td data-label="Event">{e.event}</td>
              <td data-label="Task">
                <a href={clickUpTaskUrl(e.taskId)} rel="noreferrer" target="_blank">
                  {e.taskId}
                  <span class="visually-hidden"> (opens ClickUp in a new tab)</span>
                </a>
              </td>
              <td data-label="What it did">
                {!e.outcome ? (
                  <span class="muted">waiting to be processed</span>
                ) : e.outcome.rules.length === 0 ? (
                  <span class="muted">no rule applies</span>
                ) : (
                  <ul class="plain">
                    {e.outcome.rules.map((r) => (
                      <li>
                        {r.rule}: {r.note ?? 'nothing to do'}
                        {r.job_id ? (
                          <span>
                            {' '}
                            (<a href={`/ui/jobs/${r.job_id}`}>job</a>)
                          </span>
                        ) : null}
                      </li>
                    ))}
                  </ul>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    )}
  </section>
)
