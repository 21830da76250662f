/** The jobs list, a job's page, and the actions on a job (pause, resume, run now, cancel, timing). */
import type { Context } from 'hono'
import { Hono } from 'hono'
import { ProblemError } from '../../problem-error.ts'
import type { PreviewResult } from '../../scheduler/service/read.ts'
import { isJobActionName, JOB_ACTIONS, runUiTool } from '../actions.ts'
import type { UiContext } from '../context.ts'
import type { UiEnv } from '../env.ts'
import { type ExecutionRow, JobBody, type JobBodyProps, JobPage } from '../pages/job.tsx'
import {
  TIMING_KINDS,
  type TimingForm,
  type TimingKind,
  TimingSection,
  timingFormOf,
} from '../pages/job-timing.tsx'
import { type JobFilters, JobsPage } from '../pages/jobs.tsx'
import { isHtmx, renderFragment, renderPage } from '../render.ts'

const PAGE_SIZE = 25
const EXECUTIONS_SHOWN = 20
const PREVIEW_COUNT = 5

type Problem = { detail: string; errors?: ProblemError['errors'] }
const problemOf = (err: ProblemError): Problem => ({ detail: err.detail, errors: err.errors })
/** Problems a person can fix (bad input, a state that does not allow it); anything else is thrown on. */
const isCallerProblem = (err: unknown): err is ProblemError =>
  err instanceof ProblemError && err.status >= 400 && err.status < 500

const text = (value: unknown, max = 500) =>
  typeof value === 'string' ? value.trim().slice(0, max) : ''

function readFilters(c: Context<UiEnv>): JobFilters {
  return {
    status: text(c.req.query('status'), 20),
    action: text(c.req.query('action'), 30),
    source: text(c.req.query('source'), 30),
    tag: text(c.req.query('tag'), 50),
    q: text(c.req.query('q'), 200),
  }
}

function readTimingForm(form: Record<string, unknown>): TimingForm {
  const kind = TIMING_KINDS.some((k) => k.value === form.kind)
    ? (form.kind as TimingKind)
    : 'run_at'
  return {
    kind,
    value: text(form.value, 200),
    timezone: text(form.timezone, 100),
    starts_at: text(form.starts_at, 100),
    ends_at: text(form.ends_at, 100),
    max_runs: text(form.max_runs, 10),
  }
}

/** The form as updateJob and previewSchedule input (the tools check it). */
function timingInput(form: TimingForm): Record<string, unknown> {
  const maxRuns = form.max_runs === '' ? null : Number(form.max_runs)
  return {
    [form.kind]: form.value,
    timezone: form.timezone || null,
    starts_at: form.starts_at || null,
    ends_at: form.ends_at || null,
    max_runs: maxRuns !== null && Number.isFinite(maxRuns) ? maxRuns : form.max_runs || null,
  }
}

/** Who acts: the session's key, with the request's logger. */
const caller = (c: Context<UiEnv>) => ({ keyName: c.get('session').keyName, log: c.get('log') })

export function createJobRoutes(ui: UiContext) {
  async function jobBodyProps(
    c: Context<UiEnv>,
    id: string,
    extra: Partial<JobBodyProps> = {},
  ): Promise<JobBodyProps> {
    const detail = await ui.scheduler.getJobDetail(id)
    const runsCursor = c.req.query('runs') || null
    const executions = await ui.scheduler.listExecutions(id, {
      limit: EXECUTIONS_SHOWN,
      cursor: runsCursor,
    })
    return {
      detail,
      executions: executions.executions as ExecutionRow[],
      executionsCursor: executions.next_cursor,
      executionsPaged: runsCursor !== null,
      session: c.get('session'),
      now: ui.clock.now(),
      timing: { form: timingFormOf(detail.job) },
      ...extra,
    }
  }

  return new Hono<UiEnv>()
    .get('/jobs', async (c) => {
      const filters = readFilters(c)
      const cursor = text(c.req.query('cursor'), 500) || null
      const props = {
        assets: ui.assets,
        session: c.get('session'),
        now: ui.clock.now(),
        publicUrl: ui.publicUrl,
        actions: ui.registry.kinds(),
        filters,
        paged: cursor !== null,
      }
      try {
        const page = await ui.scheduler.listJobs({
          status: filters.status || null,
          action: filters.action || null,
          source: filters.source || null,
          tag: filters.tag || null,
          search: filters.q || null,
          cursor,
          limit: PAGE_SIZE,
        })
        return renderPage(c, <JobsPage {...props} jobs={page.jobs} nextCursor={page.next_cursor} />)
      } catch (err) {
        if (!isCallerProblem(err)) throw err
        return renderPage(
          c,
          <JobsPage {...props} jobs={[]} nextCursor={null} problem={problemOf(err)} />,
          422,
        )
      }
    })
    .get('/jobs/:id', async (c) => {
      const id = c.req.param('id')
      const done = c.req.query('done') ?? ''
      const notice = isJobActionName(done)
        ? { kind: 'ok' as const, text: JOB_ACTIONS[done].done }
        : done === 'timing'
          ? { kind: 'ok' as const, text: 'The new timing is saved.' }
          : null
      const props = await jobBodyProps(c, id, { notice })
      return renderPage(c, <JobPage {...props} assets={ui.assets} />)
    })
    .post('/jobs/:id/timing', async (c) => {
      const id = c.req.param('id')
      const body = await c.req.parseBody()
      const form = readTimingForm(body)
      const intent = body.intent === 'save' ? 'save' : 'preview'
      let problem: Problem | null = null
      let preview: PreviewResult | null = null
      try {
        const input = timingInput(form)
        if (intent === 'save') {
          await runUiTool(ui, 'updateJob', { job_id: id, ...input }, caller(c))
          return c.redirect(`/ui/jobs/${id}?done=timing`, 303)
        }
        preview = (await runUiTool(
          ui,
          'previewSchedule',
          { ...input, count: PREVIEW_COUNT },
          caller(c),
        )) as unknown as PreviewResult
      } catch (err) {
        if (!isCallerProblem(err) || err.status === 404) throw err
        problem = problemOf(err)
      }
      const status = problem ? 422 : 200
      const props = await jobBodyProps(c, id, { timing: { form, preview, problem } })
      if (isHtmx(c)) {
        return renderFragment(
          c,
          <TimingSection
            job={props.detail.job}
            session={props.session}
            now={props.now}
            form={form}
            preview={preview}
            problem={problem}
          />,
          status,
        )
      }
      return renderPage(c, <JobPage {...props} assets={ui.assets} />, status)
    })
    .post('/jobs/:id/:verb', async (c) => {
      const id = c.req.param('id')
      const verb = c.req.param('verb')
      if (!isJobActionName(verb)) return c.notFound()
      let notice: JobBodyProps['notice']
      let status: 200 | 404 | 409 | 422 = 200
      try {
        await runUiTool(ui, JOB_ACTIONS[verb].tool, { job_id: id }, caller(c))
        notice = { kind: 'ok', text: JOB_ACTIONS[verb].done }
      } catch (err) {
        if (!isCallerProblem(err) || err.status === 404) throw err
        notice = { kind: 'error', text: err.detail }
        status = err.status === 409 ? 409 : 422
      }
      if (isHtmx(c)) {
        return renderFragment(c, <JobBody {...(await jobBodyProps(c, id, { notice }))} />, status)
      }
      if (status === 200) return c.redirect(`/ui/jobs/${id}?done=${verb}`, 303)
      const props = await jobBodyProps(c, id, { notice })
      return renderPage(c, <JobPage {...props} assets={ui.assets} />, status)
    })
}
