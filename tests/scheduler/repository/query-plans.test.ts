// Every read the tools and the dashboard run on scheduled_jobs and job_executions (and the sweeper's
// periodic update) is planned without a sequential scan of either table, on a database seeded like
// months of use (issue 19; migration 015). The statements are captured from the real repository
// functions, then EXPLAINed with their own parameters.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import pg from 'pg'
import { runMigrations } from '../../../src/db/migrate.ts'
import type { Queryable } from '../../../src/db/pool.ts'
import { createLogger } from '../../../src/logger.ts'
import { findExecution, listExecutions } from '../../../src/scheduler/repository/executions.ts'
import { listJobChanges } from '../../../src/scheduler/repository/job-changes.ts'
import {
  findJob,
  findJobByDedupeKey,
  findRecentIdenticalJob,
} from '../../../src/scheduler/repository/jobs.ts'
import { type JobListFilters, listJobs } from '../../../src/scheduler/repository/list-jobs.ts'
import { sweepAbandonedAttempts } from '../../../src/scheduler/repository/outcomes.ts'
import { findLaterAttempt } from '../../../src/scheduler/repository/replays.ts'
import {
  countAttemptsPerHour,
  countJobsByStatus,
  countLateness,
} from '../../../src/scheduler/repository/stats.ts'
import { foldText } from '../../../src/scheduler/text-match.ts'
import { createTestDatabase, type TestDatabase } from '../../helpers/database.ts'

const JOBS = 20_000
const EXECUTIONS = 100_000
const BIG_TABLES = new Set(['scheduled_jobs', 'job_executions'])

// Jobs created a minute apart, oldest first: 5 % active (a tenth of those paused), the rest
// completed, failed or cancelled; three actions, a dozen tags, accented names; one in 1,000 has
// "zebra" in its name. Executions in the order they started: each job's last, then the active jobs'
// history; one in 12 failed, a few running, one in 1,000 a callback attempt.
const SEED = `
  insert into scheduled_jobs (id, name, description, status, action_kind, action_params, schedule,
    timezone, next_run_at, content_hash, created_by, tags, source, source_ref, dedupe_key,
    last_execution_id, created_at, updated_at)
  select md5('job' || i)::uuid,
    (array['Lembrete da reunião', 'Relatório de vendas', 'Remind Ana about the invoice', 'Café com a equipe'])[1 + i % 4]
      || case when i % 1000 = 7 then ' zebra' else '' end || ' #' || i,
    case when i % 3 = 0 then 'Pedido do agente: não esquecer' end,
    case when i % 200 = 0 then 'paused' when i % 20 = 0 then 'scheduled' when i % 11 = 0 then 'failed'
         when i % 13 = 0 then 'cancelled' else 'completed' end,
    (array['webhook', 'webhook', 'dify', 'whatsapp'])[1 + (i / 3) % 4], '{}'::jsonb,
    '{"kind":"once"}'::jsonb, 'UTC',
    case when i % 20 = 0 and i % 200 <> 0 then now() + interval '1 day' end,
    md5(i::text), 'agent-' || (i % 5),
    case when i % 4 = 0 then '{}'::text[] else array[(array['billing', 'ops', 'team', 'sales', 'crm', 'hr'])[1 + i % 6]] end
      || case when i % 500 = 3 then array['vip'] else '{}'::text[] end,
    case when i % 50 = 0 then 'clickup' else 'api' end,
    case when i % 50 = 0 then 'rule:task' || i end,
    case when i % 100 = 1 then 'key-' || i end,
    md5('exec' || i)::uuid,
    now() - (${JOBS} - i) * interval '1 minute', now() - (${JOBS} - i) * interval '1 minute'
  from generate_series(1, ${JOBS}) i;

  insert into job_executions (id, job_id, boss_job_id, occurrence_at, manual, attempt, status,
    started_at, finished_at, lateness_ms, duration_ms, response_status, error_class, error_message,
    reports_execution_id)
  select md5('exec' || e)::uuid, md5('job' || j)::uuid, md5('exec' || e)::uuid, started, e % 97 = 0,
    1 + (e % 3 = 0)::int, status, started, case when status <> 'running' then started + interval '1 second' end,
    e % 50, 100, case status when 'succeeded' then 200 when 'failed' then 503 end,
    case when status = 'failed' then (array['http_status', 'timeout', 'deferred'])[1 + e % 3] end,
    case when status = 'failed' then 'The URL answered HTTP 503.' end,
    case when e % 1000 = 0 then md5('exec' || (e - 1))::uuid end
  from (
    select e, case when e <= ${JOBS} then e else 20 * (1 + e % ${JOBS / 20}) end as j,
      case when e % 5000 = 0 then 'running' when e % 12 = 0 then 'failed' else 'succeeded' end as status,
      now() - (${EXECUTIONS} - e) * interval '2 minutes' as started
    from generate_series(1, ${EXECUTIONS}) e
  ) x;

  insert into job_changes (job_id, changed_at, actor, via, change)
  select id, created_at, created_by, 'api', 'create' from scheduled_jobs;
`

interface Captured {
  label: string
  text: string
  values: unknown[]
}

interface PlanNode {
  'Node Type': string
  'Relation Name'?: string
  'Index Name'?: string
  Plans?: PlanNode[]
}

function seqScans(node: PlanNode): string[] {
  const own =
    node['Node Type'] === 'Seq Scan' && BIG_TABLES.has(node['Relation Name'] ?? '')
      ? [node['Relation Name'] as string]
      : []
  return [...own, ...(node.Plans ?? []).flatMap(seqScans)]
}

/** Node types and relations, for reading a plan in a failure (PLANS_VERBOSE=1 prints them all). */
function nodes(node: PlanNode): string[] {
  const own = [node['Node Type'], node['Relation Name'], node['Index Name']]
    .filter(Boolean)
    .join(' ')
  return [own, ...(node.Plans ?? []).flatMap(nodes)]
}

describe('query plans at scale (migration 015)', () => {
  let db: TestDatabase
  let pool: pg.Pool
  const captured: Captured[] = []

  /** A Queryable that records each statement under `label` and runs it. */
  const recording = (label: string): Queryable => ({
    query: ((text: string | { text: string; values?: unknown[] }, values?: unknown[]) => {
      const statement = typeof text === 'string' ? { text, values } : text
      captured.push({ label, text: statement.text, values: statement.values ?? [] })
      return pool.query(statement.text, statement.values ?? [])
    }) as Queryable['query'],
  })

  before(async () => {
    db = await createTestDatabase('query_plans')
    pool = new pg.Pool({ connectionString: db.connectionString, max: 2 })
    await runMigrations(pool, createLogger({ level: 'silent' }))
    await pool.query(SEED)
    await pool.query('vacuum analyze scheduled_jobs, job_executions, job_changes')

    const now = new Date()
    const some = (await findJob(pool, await idOf(20)))?.id ?? ''
    const finished = await idOf(JOBS - 3)
    const page = { limit: 21 }
    const listings: [string, Omit<JobListFilters, 'limit'>][] = [
      ['listJobs', {}],
      ['listJobs status=scheduled', { status: 'scheduled' }],
      ['listJobs status=paused', { status: 'paused' }],
      ['listJobs status=failed', { status: 'failed' }],
      ['listJobs action=whatsapp', { actionKind: 'whatsapp' }],
      ['listJobs action=none-such', { actionKind: 'none-such' }],
      ['listJobs tag=billing', { tag: 'billing' }],
      ['listJobs tag=vip', { tag: 'vip' }],
      ['listJobs outcome=failed', { outcome: 'failed' }],
      ['listJobs search common', { searchWords: [foldText('Reunião')] }],
      ['listJobs search rare', { searchWords: ['zebra'] }],
      ['listJobs search none', { searchWords: ['xylophone'] }],
      ['listJobs search all', { searchWords: ['relatorio', 'vendas'], searchMode: 'all' }],
      ['listJobs search any', { searchWords: ['zebra', 'xylophone'], searchMode: 'any' }],
      ['listJobs search + status', { searchWords: ['cafe'], status: 'scheduled' }],
      ['listJobs source=clickup', { source: 'clickup' }],
      ['listJobs source_ref', { source: 'clickup', sourceRef: 'rule:task100' }],
      [
        'listJobs page 2',
        { after: { createdAt: new Date(now.getTime() - 3_600_000), id: finished } },
      ],
      [
        'listJobs status page 2',
        {
          status: 'completed',
          after: { createdAt: new Date(now.getTime() - 3_600_000), id: finished },
        },
      ],
    ]
    for (const [label, filters] of listings) {
      await listJobs(recording(label), { ...filters, limit: page.limit })
    }
    await findJob(recording('getJob'), some)
    await findJobByDedupeKey(recording('findJobByDedupeKey'), 'key-101')
    await findRecentIdenticalJob(
      recording('findRecentIdenticalJob'),
      'agent-1',
      'abc',
      new Date(now.getTime() - 600_000),
    )
    await listJobChanges(recording('listJobChanges'), some, 10)
    for (const outcome of [undefined, 'failed', 'succeeded', 'running'] as const) {
      await listExecutions(recording(`listExecutions ${outcome ?? 'all'}`), some, {
        limit: 21,
        outcome,
      })
    }
    await listExecutions(recording('listExecutions page 2'), some, {
      limit: 21,
      after: { startedAt: new Date(now.getTime() - 86_400_000), id: finished },
    })
    const execution = await findExecution(recording('getExecution'), await execIdOf(EXECUTIONS - 5))
    if (execution) await findLaterAttempt(recording('findLaterAttempt'), execution)
    await countJobsByStatus(recording('overview: jobs per status'))
    await countAttemptsPerHour(recording('overview: attempts per hour'), now, 24)
    await countLateness(recording('overview: lateness'), new Date(now.getTime() - 86_400_000))
    // EXPLAIN only: the sweeper's update is planned here, not run.
    captured.push({
      label: 'sweeper: abandoned attempts',
      ...(await captureOnly((q) =>
        sweepAbandonedAttempts(q, now, 30_000, '00000000-0000-0000-0000-000000000000', true),
      )),
    })
  })

  after(async () => {
    await pool?.end()
    await db?.drop()
  })

  async function idOf(i: number): Promise<string> {
    const result = await pool.query<{ id: string }>(`select md5('job' || $1)::uuid as id`, [i])
    return result.rows[0]?.id ?? ''
  }

  async function execIdOf(e: number): Promise<string> {
    const result = await pool.query<{ id: string }>(`select md5('exec' || $1)::uuid as id`, [e])
    return result.rows[0]?.id ?? ''
  }

  /** The statement `run` would send, without running it. */
  async function captureOnly(
    run: (q: Queryable) => Promise<unknown>,
  ): Promise<{ text: string; values: unknown[] }> {
    let statement: { text: string; values: unknown[] } | undefined
    const q = {
      query: ((text: string, values?: unknown[]) => {
        statement = { text, values: values ?? [] }
        return Promise.resolve({ rows: [], rowCount: 0 })
      }) as unknown as Queryable['query'],
    }
    await run(q)
    if (!statement) throw new Error('nothing captured')
    return statement
  }

  it('captured every query it names', () => {
    assert.ok(captured.length >= 30, `only ${captured.length} statements captured`)
  })

  it('plans none of them with a sequential scan of scheduled_jobs or job_executions', async () => {
    const offenders: string[] = []
    for (const statement of captured) {
      const result = await pool.query<{ 'QUERY PLAN': [{ Plan: PlanNode }] }>(
        `explain (format json) ${statement.text}`,
        statement.values,
      )
      const plan = result.rows[0]?.['QUERY PLAN'][0]?.Plan
      assert.ok(plan, `no plan for ${statement.label}`)
      if (process.env.PLANS_VERBOSE) console.log(statement.label, JSON.stringify(nodes(plan)))
      const scans = seqScans(plan)
      if (scans.length > 0) offenders.push(`${statement.label}: Seq Scan on ${scans.join(', ')}`)
    }
    assert.deepEqual(offenders, [])
  })

  it('finds jobs by accent- and case-insensitive words through the index', async () => {
    const jobs = await listJobs(pool, { searchWords: [foldText('REUNIÃO')], limit: 3 })
    assert.equal(jobs.length, 3)
    for (const job of jobs) assert.match(job.name, /reunião/i)
    const rare = await listJobs(pool, { searchWords: ['zebra'], limit: 100 })
    assert.equal(rare.length, JOBS / 1000)
    const either = await listJobs(pool, {
      searchWords: ['zebra', 'xylophone'],
      searchMode: 'any',
      limit: 100,
    })
    assert.equal(either.length, JOBS / 1000)
    const both = await listJobs(pool, {
      searchWords: ['zebra', 'xylophone'],
      searchMode: 'all',
      limit: 100,
    })
    assert.equal(both.length, 0)
  })
})
