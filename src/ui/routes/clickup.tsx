/** The ClickUp page and its actions: rules CRUD, webhook registration and re-registration, reconcile. */
import type { Context } from 'hono'
import { Hono } from 'hono'
import {
  CLICKUP_ERROR_TYPE,
  ClickUpError,
  type ClickUpService,
  clickUpProblem,
} from '../../integrations/clickup/index.ts'
import { ProblemError } from '../../problem-error.ts'
import type { UiContext } from '../context.ts'
import type { UiEnv } from '../env.ts'
import { ClickUpPage, type RuleView } from '../pages/clickup.tsx'
import { actionFieldName, RuleFormPage, WRITE_ONLY_FIELDS } from '../pages/clickup-rule.tsx'
import { renderPage } from '../render.ts'

const RULE_OWN_FIELDS = [
  'name',
  'list_id',
  'trigger_status',
  'run_at_field',
  'offset',
  'on_success_comment',
  'on_success_status',
  'on_failure_comment',
  'on_failure_status',
] as const

const NOTICES: Record<string, string> = {
  'rule-created': 'The rule is created. Tasks entering its status from now on get a job.',
  'rule-saved': 'The rule is saved. It applies to jobs scheduled from now on.',
  'rule-deleted': 'The rule is deleted and the jobs it was waiting to run are cancelled.',
  'webhook-registered': 'The webhook is registered and its secret stored.',
  reregistered: 'The webhook is registered again; the old one is deleted.',
  reconciled: 'Reconciliation done; its result is below.',
}

type PageStatus = 200 | 404 | 409 | 422 | 424
const pageStatus = (status: number): PageStatus =>
  status === 404 || status === 409 || status === 424 ? status : 422

const isCallerProblem = (err: unknown): err is ProblemError =>
  err instanceof ProblemError && err.status >= 400 && err.status < 500

const str = (value: unknown) => (typeof value === 'string' ? value : '')

/**
 * The form as rule input: the rule's own fields and the chosen action's. Blank optional fields are
 * null (cleared); a blank write-only field is left out, so its stored value is kept.
 */
function ruleInput(ui: UiContext, form: Record<string, unknown>): Record<string, unknown> {
  const input: Record<string, unknown> = {}
  for (const field of RULE_OWN_FIELDS) input[field] = str(form[field]).trim() || null
  const kind = str(form.action).trim()
  input.action = kind || null
  const action = ui.registry.get(kind)
  for (const field of Object.keys(action?.fields ?? {})) {
    const value = str(form[actionFieldName(kind, field)])
    if (WRITE_ONLY_FIELDS.has(field) && value.trim() === '') continue
    input[field] = value.trim() === '' ? null : value
  }
  return input
}

/** The form's values to show again after a refused save; write-only fields are never echoed. */
function formValues(form: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(form)
      .filter(([name, value]) => typeof value === 'string' && !name.startsWith('_'))
      .filter(([name]) => !WRITE_ONLY_FIELDS.has(name.split('.').at(-1) ?? ''))
      .map(([name, value]) => [name, value as string]),
  )
}

/** A stored rule as form values (its action fields under their prefixed names). */
function ruleValues(ui: UiContext, rule: RuleView): Record<string, string> {
  const values: Record<string, string> = {}
  for (const field of RULE_OWN_FIELDS)
    values[field] = rule[field] == null ? '' : String(rule[field])
  const kind = String(rule.action)
  values.action = kind
  for (const field of Object.keys(ui.registry.get(kind)?.fields ?? {})) {
    if (WRITE_ONLY_FIELDS.has(field) || rule[field] == null) continue
    values[actionFieldName(kind, field)] = String(rule[field])
  }
  return values
}

export function createClickUpRoutes(ui: UiContext) {
  const requireClickUp = (): ClickUpService => {
    if (!ui.clickup) {
      throw new ProblemError({
        status: 404,
        type: 'not-found',
        title: 'ClickUp is not connected',
        detail: 'Set CLICKUP_API_TOKEN and restart the server to use the ClickUp integration.',
      })
    }
    return ui.clickup
  }

  async function page(
    c: Context<UiEnv>,
    notice: { kind: 'ok' | 'error'; text: string } | null,
    status: PageStatus = 200,
  ) {
    const session = c.get('session')
    const base = {
      assets: ui.assets,
      session,
      now: ui.clock.now(),
      publicUrl: ui.publicUrl,
      notice,
    }
    const clickup = ui.clickup
    if (!clickup) {
      return renderPage(
        c,
        <ClickUpPage
          {...base}
          configured={false}
          rules={[]}
          webhooks={{ webhooks: [], errors: [] }}
          reconciliation={null}
          events={[]}
        />,
        status,
      )
    }
    const [rules, webhooks, reconciliation, events] = await Promise.all([
      clickup.listRules(),
      clickup.webhookOverview().catch((err: Error) => ({ error: err.message })),
      clickup.lastReconciliation(),
      clickup.recentEvents(),
    ])
    return renderPage(
      c,
      <ClickUpPage
        {...base}
        configured
        rules={rules.rules as unknown as RuleView[]}
        webhooks={webhooks}
        reconciliation={reconciliation}
        events={events}
      />,
      status,
    )
  }

  /** Runs an action of the page, then back to the page with what happened. */
  async function act(
    c: Context<UiEnv>,
    done: string,
    run: (clickup: ClickUpService) => Promise<unknown>,
  ) {
    try {
      await run(requireClickUp())
    } catch (caught) {
      // ClickUp itself failed (down, refused the token): say so on the page, as a 424.
      const err = caught instanceof ClickUpError ? clickUpProblem(caught) : caught
      if (!isCallerProblem(err) || (err.status === 404 && !ui.clickup)) throw err
      const text = err.type === CLICKUP_ERROR_TYPE ? `ClickUp failed: ${err.detail}` : err.detail
      return page(c, { kind: 'error', text }, pageStatus(err.status))
    }
    return c.redirect(`/ui/clickup?done=${done}`, 303)
  }

  function ruleForm(
    c: Context<UiEnv>,
    rule: RuleView | null,
    values: Record<string, string>,
    problem: ProblemError | null = null,
  ) {
    return renderPage(
      c,
      <RuleFormPage
        assets={ui.assets}
        session={c.get('session')}
        actions={ui.registry.all()}
        rule={rule}
        values={values}
        problem={problem ? { detail: problem.detail, errors: problem.errors } : null}
      />,
      problem ? 422 : 200,
    )
  }

  async function saveRule(c: Context<UiEnv>, rule: RuleView | null) {
    const clickup = requireClickUp()
    const form = await c.req.parseBody()
    try {
      if (rule) await clickup.updateRule(rule.id, ruleInput(ui, form))
      else await clickup.createRule(ruleInput(ui, form))
    } catch (err) {
      if (!isCallerProblem(err) || err.status !== 422) throw err
      return ruleForm(c, rule, formValues(form), err)
    }
    return c.redirect(`/ui/clickup?done=${rule ? 'rule-saved' : 'rule-created'}`, 303)
  }

  return new Hono<UiEnv>()
    .get('/clickup', (c) => {
      const done = c.req.query('done') ?? ''
      return page(c, NOTICES[done] ? { kind: 'ok', text: NOTICES[done] } : null)
    })
    .get('/clickup/rules/new', (c) => {
      requireClickUp()
      return ruleForm(c, null, { action: ui.registry.kinds()[0] ?? '', run_at_field: 'due_date' })
    })
    .post('/clickup/rules', (c) => saveRule(c, null))
    .get('/clickup/rules/:id', async (c) => {
      const rule = (await requireClickUp().getRule(c.req.param('id'))) as unknown as RuleView
      return ruleForm(c, rule, ruleValues(ui, rule))
    })
    .post('/clickup/rules/:id', async (c) => {
      const rule = (await requireClickUp().getRule(c.req.param('id'))) as unknown as RuleView
      return saveRule(c, rule)
    })
    .post('/clickup/rules/:id/delete', (c) =>
      act(c, 'rule-deleted', (clickup) => clickup.deleteRule(c.req.param('id'))),
    )
    .post('/clickup/webhooks', async (c) => {
      const form = await c.req.parseBody()
      const teamId = str(form.team_id).trim()
      const listId = str(form.list_id).trim()
      return act(c, 'webhook-registered', (clickup) => {
        if (!/^\d{1,40}$/.test(teamId) || (listId && !/^\d{1,40}$/.test(listId))) {
          throw new ProblemError({
            status: 422,
            type: 'validation-error',
            title: 'Invalid request',
            detail:
              'The workspace id (and the List id, if given) are numbers, e.g. 9012345 from app.clickup.com/9012345/…',
          })
        }
        return clickup.registerWebhook({ team_id: teamId, list_id: listId || null })
      })
    })
    .post('/clickup/webhooks/:id/reregister', (c) =>
      act(c, 'reregistered', (clickup) => clickup.reregisterWebhook(c.req.param('id'))),
    )
    .post('/clickup/reconcile', (c) => act(c, 'reconciled', (clickup) => clickup.reconcile()))
}
