/** The ClickUp page: rules, registered webhooks with their health, reconciliation, recent events. */
import type { FC } from 'hono/jsx'
import type {
  EventRecord,
  ReconciliationRecord,
} from '../../integrations/clickup/activity-repository.ts'
import type { WebhookOverview } from '../../integrations/clickup/webhook-status.ts'
import { EmptyState, Notice } from '../components/common.tsx'
import { Layout } from '../components/layout.tsx'
import { headerNames, withoutQuery } from '../format.ts'
import type { Session } from '../session/sessions.ts'
import type { StaticAssets } from '../static.ts'
import { Events, Reconciliation } from './clickup-activity.tsx'
import { Webhooks } from './clickup-webhooks.tsx'

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
