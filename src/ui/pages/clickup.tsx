/** The ClickUp page: rules, registered webhooks with their health, reconciliation, recent events. */
import type { FC } from 'hono/jsx'
import type {
  EventRecord,
  ReconciliationRecord,
} from '../../integrations/clickup/activity-repository.ts'
import type { WebhookOverview } from '../../integrations/clickup/webhook-status.ts'
import { Badge, CsrfField, EmptyState, LocalTime, Notice } from '../components/common.tsx'
import { Layout } from '../components/layout.tsx'
import { clickUpTaskUrl, headerNames, withoutQuery } from '../format.ts'
import type { Session } from '../session/sessions.ts'
import type { StaticAssets } from '../static.ts'

export type RuleView = Record<string, unknown> & { id: string; name: string }

export interface ClickUpPageProps {
  assets: StaticAssets
  session: Session
  now: Date
  configured: boolean
  publicUrl: string
  rules: RuleView[]
  webhooks: WebhookOverview | { error: string }
  reconciliation: ReconciliationRecord | null
  events: EventRecord[]
  notice?: { kind: 'ok' | 'error'; text: string } | null
}

/** The target of a rule's action, without header values or query strings. */
function ruleTarget(rule: RuleView): string {
  const parts = [String(rule.action)]
  if (rule.url) parts.push(withoutQuery(String(rule.url)))
  if (rule.app) parts.push(`app ${String(rule.app)}`)
  if (rule.to) parts.push(`to ${String(rule.to)}`)
  const names = Array.isArray(rule.header_names)
    ? (rule.header_names as string[])
    : headerNames(rule.headers)
  if (names.length) parts.push(`headers ${names.join(', ')}`)
  return parts.join(' · ')
}

function whenText(rule: RuleView): string {
  const field = String(rule.run_at_field ?? 'due_date')
  if (field === 'now') return 'at once'
  return rule.offset ? `${field.replace('_', ' ')} ${String(rule.offset)}` : field.replace('_', ' ')
}

const Rules: FC<{ rules: RuleView[] }> = ({ rules }) => (
  <section aria-labelledby="rules-heading">
    <div class="section-head">
      <h2 id="rules-heading">Rules</h2>
      <a class="button" href="/ui/clickup/rules/new">
        New rule
      </a>
    </div>
    {rules.length === 0 ? (
      <EmptyState title="No rules yet.">
        <p>
          A rule turns a task that enters a status into a job, e.g. “when a task in List 901234
          moves to <em>scheduled</em>, call this webhook 15 minutes before its due date”. Create one
          with <a href="/ui/clickup/rules/new">New rule</a>.
        </p>
      </EmptyState>
    ) : (
      <table class="responsive">
        <caption class="visually-hidden">ClickUp rules</caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">When a task enters</th>
            <th scope="col">List</th>
            <th scope="col">Runs at</th>
            <th scope="col">Does</th>
          </tr>
        </thead>
        <tbody>
          {rules.map((rule) => (
            <tr>
              <th scope="row" data-label="Name">
                <a href={`/ui/clickup/rules/${rule.id}`}>{rule.name}</a>
              </th>
              <td data-label="Status">{String(rule.trigger_status)}</td>
              <td data-label="List">
                {rule.list_id ? String(rule.list_id) : <span class="muted">any</span>}
              </td>
              <td data-label="Runs at">{whenText(rule)}</td>
              <td data-label="Does" class="break">
                {ruleTarget(rule)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    )}
  </section>
)

const Webhooks: FC<{
  overview: ClickUpPageProps['webhooks']
  session: Session
  now: Date
  publicUrl: string
}> = ({ overview, session, now, publicUrl }) => (
  <section aria-labelledby="webhooks-heading">
    <h2 id="webhooks-heading">Webhooks</h2>
    {'error' in overview ? (
      <Notice kind="error">Could not read the webhooks: {overview.error}</Notice>
    ) : (
      <>
        {overview.errors.map((e) => (
          <Notice kind="error">
            ClickUp would not list the webhooks of workspace {e.team_id}: {e.message}
          </Notice>
        ))}
        {overview.webhooks.length === 0 ? (
          <EmptyState title="No webhook registered through this server.">
            <p>
              ClickUp sends task changes to <code>{publicUrl}/clickup/webhook</code> once a webhook
              is registered. Register one below with your workspace id (the number in
              app.clickup.com/<em>workspace id</em>/…).
            </p>
          </EmptyState>
        ) : (
          <table class="responsive">
            <caption class="visually-hidden">Registered webhooks and their health</caption>
            <thead>
              <tr>
                <th scope="col">Webhook</th>
                <th scope="col">Covers</th>
                <th scope="col">Health</th>
                <th scope="col">Registered</th>
                <th scope="col">
                  <span class="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {overview.webhooks.map((hook) => (
                <tr>
                  <th scope="row" data-label="Webhook">
                    <code>{hook.id}</code>
                    <div class="muted break">{hook.endpoint}</div>
                  </th>
                  <td data-label="Covers">
                    workspace {hook.team_id}
                    {Object.entries(hook.location).map(([k, v]) => (
                      <span>
                        , {k.replace('_id', '')} {v}
                      </span>
                    ))}
                  </td>
                  <td data-label="Health">
                    <Badge status={hook.health} />
                    {hook.fail_count ? (
                      <span class="muted"> {String(hook.fail_count)} failures</span>
                    ) : null}
                  </td>
                  <td data-label="Registered">
                    {hook.created_at ? (
                      <LocalTime at={hook.created_at} tz={session.timezone} now={now} />
                    ) : (
                      <span class="muted">by hand (secret not stored here)</span>
                    )}
                  </td>
                  <td data-label="Actions">
                    {hook.secret_stored ? (
                      <form method="post" action={`/ui/clickup/webhooks/${hook.id}/reregister`}>
                        <CsrfField token={session.csrfToken} />
                        <button
                          type="submit"
                          class={
                            hook.health === 'active' ? 'button secondary small' : 'button small'
                          }
                        >
                          Re-register
                        </button>
                      </form>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </>
    )}
    <details class="card">
      <summary>Register a webhook</summary>
      <form method="post" action="/ui/clickup/webhooks" class="inline-form">
        <CsrfField token={session.csrfToken} />
        <div class="field">
          <label for="team_id">Workspace id</label>
          <input id="team_id" name="team_id" required maxlength={40} inputmode="numeric" />
        </div>
        <div class="field">
          <label for="wh_list_id">
            List id <span class="muted">(optional)</span>
          </label>
          <input id="wh_list_id" name="list_id" maxlength={40} inputmode="numeric" />
        </div>
        <div class="field buttons">
          <button type="submit" class="button">
            Register
          </button>
        </div>
      </form>
    </details>
  </section>
)

const Reconciliation: FC<{
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

const Events: FC<{ events: EventRecord[]; session: Session; now: Date }> = ({
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

export const ClickUpPage: FC<ClickUpPageProps> = (props) => (
  <Layout title="ClickUp" assets={props.assets} session={props.session} nav="clickup">
    <h1>ClickUp</h1>
    {props.notice ? (
      <Notice kind={props.notice.kind} id="clickup-notice">
        {props.notice.text}
      </Notice>
    ) : null}
    {!props.configured ? (
      <EmptyState title="ClickUp is not connected.">
        <p>
          Set <code>CLICKUP_API_TOKEN</code> (a personal token <code>pk_…</code>, best of a bot
          user) and restart the server. Then register a webhook here and add rules: tasks that enter
          a status become jobs, and each job’s outcome is written back to its task. See README →
          ClickUp.
        </p>
      </EmptyState>
    ) : (
      <>
        <Rules rules={props.rules} />
        <Webhooks
          overview={props.webhooks}
          session={props.session}
          now={props.now}
          publicUrl={props.publicUrl}
        />
        <Reconciliation last={props.reconciliation} session={props.session} now={props.now} />
        <Events events={props.events} session={props.session} now={props.now} />
      </>
    )}
  </Layout>
)
