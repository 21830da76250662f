/**
 * Creating and editing a ClickUp rule. Fields of every action are in the form, grouped per action,
 * and the handler keeps only the chosen action's; header values are write-only (never shown again).
 */
import type { FC } from 'hono/jsx'
import type { FieldError } from '../../problem-error.ts'
import type { AnyActionDefinition } from '../../scheduler/action-contract.ts'
import { CsrfField, FieldErrors } from '../components/common.tsx'
import { Layout } from '../components/layout.tsx'
import { headerNames } from '../format.ts'
import type { Session } from '../session/sessions.ts'
import type { StaticAssets } from '../static.ts'
import type { RuleView } from './clickup.tsx'

/** Fields whose values are never shown back (stored write-only). */
export const WRITE_ONLY_FIELDS = new Set(['headers'])
const LONG_FIELDS = new Set(['body', 'headers', 'inputs', 'message', 'query'])
const TEMPLATE_HINT =
  '{{task.name}}, {{task.url}}, {{task.id}}, {{task.status}}, {{task.due_date}} and {{task.description}} are filled in per task.'
const FIELD_HINTS: Record<string, string> = {
  url: 'Absolute http(s) URL to call.',
  method: 'GET, POST, PUT, PATCH or DELETE (default POST).',
  body: `Request body; JSON text is sent as JSON. ${TEMPLATE_HINT}`,
  headers: 'JSON object text, e.g. {"X-Api-Key":"…"}. Values are write-only.',
  app: 'Name of a Dify app configured in DIFY_APPS.',
  inputs: 'JSON object text of the app’s inputs.',
  query: `The user message (chat apps). ${TEMPLATE_HINT}`,
  to: 'Phone number with country code.',
  message: `Message text. ${TEMPLATE_HINT}`,
}

export interface RuleFormProps {
  assets: StaticAssets
  session: Session
  actions: AnyActionDefinition[]
  /** The rule being edited, or null for a new one. */
  rule: RuleView | null
  /** What was typed (after a refused save), else the rule's values. */
  values: Record<string, string>
  problem?: { detail: string; errors?: FieldError[] } | null
}

/** The form field name of an action field: prefixed with its action, so kinds never collide. */
export const actionFieldName = (kind: string, field: string) => `${kind}.${field}`

const Text: FC<{
  name: string
  label: string
  value: string
  required?: boolean
  /** Shown after the label instead of "(optional)" when the field is not `required`. */
  note?: string
  hint?: string
  long?: boolean
}> = ({ name, label, value, required, note, hint, long }) => {
  const id = `f-${name.replace(/[^a-z0-9_-]/gi, '-')}`
  return (
    <div class={`field${long ? ' wide' : ''}`}>
      <label for={id}>
        {label}
        {required ? null : <span class="muted"> ({note ?? 'optional'})</span>}
      </label>
      {long ? (
        <textarea
          id={id}
          name={name}
          rows={3}
          required={required}
          aria-describedby={hint ? `${id}-hint` : undefined}
        >
          {value}
        </textarea>
      ) : (
        <input
          id={id}
          name={name}
          type="text"
          value={value}
          required={required}
          aria-describedby={hint ? `${id}-hint` : undefined}
        />
      )}
      {hint ? (
        <p class="hint" id={`${id}-hint`}>
          {hint}
        </p>
      ) : null}
    </div>
  )
}

export const RuleFormPage: FC<RuleFormProps> = ({
  assets,
  session,
  actions,
  rule,
  values,
  problem,
}) => {
  const action = rule ? `/ui/clickup/rules/${rule.id}` : '/ui/clickup/rules'
  const chosen = values.action || actions[0]?.kind || ''
  const storedHeaders = rule
    ? Array.isArray(rule.header_names)
      ? (rule.header_names as string[])
      : headerNames(rule.headers)
    : []
  const title = rule ? `Rule “${rule.name}”` : 'New ClickUp rule'
  return (
    <Layout title={title} assets={assets} session={session} nav="clickup">
      <p class="breadcrumb">
        <a href="/ui/clickup">ClickUp</a> /
      </p>
      <h1>{title}</h1>
      <FieldErrors detail={problem?.detail} errors={problem?.errors} />
      <form method="post" action={action} class="stack rule-form">
        <CsrfField token={session.csrfToken} />
        <fieldset>
          <legend>When</legend>
          <Text name="name" label="Name" value={values.name ?? ''} required />
          <Text
            name="trigger_status"
            label="A task enters the status"
            value={values.trigger_status ?? ''}
            required
            hint="Compared without regard to case, e.g. scheduled."
          />
          <Text
            name="list_id"
            label="Only in List (id)"
            value={values.list_id ?? ''}
            hint="Empty: tasks of every List the webhooks cover."
          />
          <div class="field">
            <label for="f-run_at_field">Run the job at</label>
            <select id="f-run_at_field" name="run_at_field">
              {[
                ['due_date', 'the task’s due date'],
                ['start_date', 'the task’s start date'],
                ['now', 'once, right away'],
              ].map(([value, label]) => (
                <option value={value} selected={(values.run_at_field || 'due_date') === value}>
                  {label}
                </option>
              ))}
            </select>
          </div>
          <Text
            name="offset"
            label="Offset"
            value={values.offset ?? ''}
            hint="Added to that date, e.g. -15m (15 minutes before) or 1h."
          />
        </fieldset>
        <fieldset>
          <legend>Then</legend>
          <div class="field">
            <label for="f-action">Action</label>
            <select id="f-action" name="action" data-action-select="">
              {actions.map((a) => (
                <option value={a.kind} selected={a.kind === chosen}>
                  {a.kind}
                </option>
              ))}
            </select>
          </div>
          {actions.map((a) => (
            <fieldset class="action-fields" data-action-fields={a.kind}>
              <legend>{`${a.kind} settings (used when the action is ${a.kind})`}</legend>
              {Object.keys(a.fields).map((field) =>
                WRITE_ONLY_FIELDS.has(field) ? (
                  <Text
                    name={actionFieldName(a.kind, field)}
                    label={field}
                    value=""
                    long
                    hint={
                      rule && a.kind === rule.action && storedHeaders.length
                        ? `Stored: ${storedHeaders.join(', ')} (values hidden). Leave empty to keep them; enter a JSON object to replace them; {} removes them.`
                        : FIELD_HINTS[field]
                    }
                  />
                ) : (
                  <Text
                    name={actionFieldName(a.kind, field)}
                    label={field}
                    note={a.requiredFields.includes(field) ? `required for ${a.kind}` : undefined}
                    value={values[actionFieldName(a.kind, field)] ?? ''}
                    long={LONG_FIELDS.has(field)}
                    hint={FIELD_HINTS[field]}
                  />
                ),
              )}
            </fieldset>
          ))}
        </fieldset>
        <fieldset>
          <legend>Afterwards, on the task</legend>
          <Text
            name="on_success_comment"
            label="Comment after success"
            value={values.on_success_comment ?? ''}
            long
            hint="Default: a short note. {{job.name}} and the task fields are filled in."
          />
          <Text
            name="on_success_status"
            label="Status after success"
            value={values.on_success_status ?? ''}
          />
          <Text
            name="on_failure_comment"
            label="Comment after the final failure"
            value={values.on_failure_comment ?? ''}
            long
            hint="The error is always included."
          />
          <Text
            name="on_failure_status"
            label="Status after the final failure"
            value={values.on_failure_status ?? ''}
          />
        </fieldset>
        <p class="actions">
          <button type="submit" class="button">
            {rule ? 'Save rule' : 'Create rule'}
          </button>{' '}
          <a class="button secondary" href="/ui/clickup">
            Back
          </a>
        </p>
      </form>
      {rule ? (
        <details class="confirm">
          <summary class="button danger-outline">Delete rule…</summary>
          <form method="post" action={`/ui/clickup/rules/${rule.id}/delete`} class="confirm-body">
            <CsrfField token={session.csrfToken} />
            <p>Deleting the rule cancels the jobs it is waiting to run.</p>
            <button type="submit" class="button danger">
              Yes, delete this rule
            </button>
          </form>
        </details>
      ) : null}
    </Layout>
  )
}
