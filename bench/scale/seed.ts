// Seeds months of history with SQL (generate_series), shaped like the engine writes it: jobs of
// every status, action, zone and tag; their executions; one `create` change each; and for every
// scheduled job its pending occurrence in pg-boss, enqueued through the engine's own code.
//
// Indexes (primary keys included) of the big tables are dropped before loading and rebuilt after:
// building a btree once from sorted input is several times faster than growing it row by row with
// random uuids through a 128 MB buffer cache. ANALYZE runs last, as after any bulk load.
import type pg from 'pg'
import type { PgBoss } from 'pg-boss'
import { enqueueOccurrences, planScheduled } from '../../src/scheduler/engine/occurrences.ts'
import type { JobRecord } from '../../src/scheduler/repository/jobs.ts'

export interface SeedSize {
  jobs: number
  executions: number
}

export interface SeedTimings {
  /** Seconds per step, in order. */
  steps: [string, number][]
  total: number
  /** Rows actually written (executions are slightly fewer than asked: jobs that never ran have none). */
  rows: { jobs: number; executions: number; occurrences: number; changes: number }
}

/** Every job ≡ 0 mod ACTIVE_EVERY is active (scheduled or paused): 5 %, ~50,000 of 1,000,000. */
const ACTIVE_EVERY = 20
/** The engine's delivery settings at their defaults (runtime.ts). */
const DELIVERY = {
  retryDelaySeconds: 30,
  retryDelayMaxSeconds: 3600,
  retentionSeconds: 30 * 24 * 3600,
}

/**
 * SQL macros, expanded into the statements by `expand` before they run. Written as functions they
 * would not be inlined (arguments used twice), and calling a SQL function per row cost ~100 µs of a
 * row's ~120 µs. `h(row, salt)` is a deterministic pseudo-random integer in 0..999999, so executions
 * recompute a job's kind and times from its number without a join.
 */
const MACROS: Record<string, { params: string[]; body: string }> = {
  h: { params: ['i', 'salt'], body: 'abs(hashint8extended(i, salt) % 1000000)::int' },
  iso: { params: ['t'], body: `to_char((t) at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')` },
  job_uuid: { params: ['i'], body: "md5('job' || (i))::uuid" },
  exec_uuid: { params: ['e'], body: "md5('exec' || (e))::uuid" },
  kind: {
    params: ['i'],
    body: `case when pg_temp.h(i, 1) % 100 < 70 then 'webhook'
      when pg_temp.h(i, 1) % 100 < 90 then 'dify' else 'whatsapp' end`,
  },
  // Jobs are created evenly over the 180 days before the seed's "now", oldest first.
  created: {
    params: ['i', 'n', 'now'],
    body: "(now - ((n - (i))::float8 / n) * interval '180 days' - interval '1 hour')",
  },
  // When a job that ran last ran: an active recurring job within the last 12 hours, any other a
  // few hours to three days after its creation (never in the future).
  last_run: {
    params: ['i', 'n', 'now'],
    body: `(case when (i) % ${ACTIVE_EVERY} = 0
      then greatest(pg_temp.created(i, n, now) + interval '1 minute', now - (1 + pg_temp.h(i, 6) % 12) * interval '1 hour')
      else least(now - interval '1 minute', pg_temp.created(i, n, now) + (1 + pg_temp.h(i, 6) % 72) * interval '1 hour') end)`,
  },
}

/** The arguments of the call whose "(" is at `open`, and the index after its ")". */
function callArguments(sql: string, open: number): { args: string[]; end: number } {
  const args: string[] = []
  let depth = 0
  let current = ''
  for (let i = open; i < sql.length; i++) {
    const c = sql[i]
    if (c === '(') {
      depth++
      if (depth === 1) continue
    } else if (c === ')') {
      depth--
      if (depth === 0) {
        args.push(current.trim())
        return { args, end: i + 1 }
      }
    } else if (c === ',' && depth === 1) {
      args.push(current.trim())
      current = ''
      continue
    }
    current += c
  }
  throw new Error('unbalanced macro call')
}

/** Replaces every `pg_temp.<macro>(…)` by its body (innermost first, through repeated passes). */
export function expand(sql: string): string {
  let out = sql
  for (;;) {
    const match = /pg_temp\.(\w+)\(/.exec(out)
    if (!match) return out
    const macro = MACROS[match[1] ?? '']
    if (!macro) throw new Error(`unknown macro ${match[1]}`)
    const open = match.index + match[0].length - 1
    const { args, end } = callArguments(out, open)
    let body = macro.body
    macro.params.forEach((param, k) => {
      body = body.replace(new RegExp(`\\b${param}\\b`, 'g'), `(${args[k]})`)
    })
    out = `${out.slice(0, match.index)}(${body})${out.slice(end)}`
  }
}

const NAMES_A = [
  'Remind Ana about the invoice',
  'Lembrete da reunião',
  'Relatório de vendas',
  'Check the build status',
  'Cobrança do cliente',
  'Weekly newsletter',
  'Aniversário do João',
  'Sync contacts to the CRM',
  'Café com a equipe',
  'Nightly sales report',
  'Recordatorio de pago',
  'Follow up with São Paulo office',
]
const NAMES_B = ['today', 'tomorrow', 'next week', 'Monday', 'at noon', 'urgente', 'mañana']
const TAGS = [
  'clients',
  'reminders',
  'ops',
  'team',
  'billing',
  'sales',
  'marketing',
  'support',
  'finance',
  'hr',
  'crm',
  'reports',
]
const ZONES = [
  'UTC',
  'Europe/Madrid',
  'America/Sao_Paulo',
  'America/New_York',
  'Asia/Tokyo',
  'Europe/Lisbon',
]

const sqlArray = (values: readonly string[]) =>
  `array[${values.map((v) => `'${v.replace(/'/g, "''")}'`).join(',')}]::text[]`

/**
 * scheduled_jobs: most finished (completed 82 %, failed 9 %, cancelled 9 %), 5 % active (one in ten
 * of those paused) with a future next run: a once job within 30 days, a daily or weekly interval, or
 * a weekly cron (Monday 09:00 in its zone). No next run falls within 2 h of the seed, so seeded jobs
 * stay quiet while the bench measures. One job in 1,000 has "zebra" in its name (a rare search
 * word), one in 500 the tag "vip".
 */
function jobsSql(n: number): string {
  return `
  insert into scheduled_jobs (id, name, description, status, action_kind, action_params, action_secrets,
    schedule, timezone, generation, next_run_at, occurrences_planned, run_count, max_attempts,
    timeout_seconds, dedupe_key, content_hash, created_by, tags, source, source_ref, last_execution_id,
    created_at, updated_at, final_occurrence_at, callback, callback_secrets)
  select pg_temp.job_uuid(i), name, description, status, kind, params, secrets, schedule, zone, 1,
    next_run_at, planned, runs, max_attempts, case kind when 'dify' then 300 else 30 end, null,
    md5(i::text), creator, tags, source, source_ref,
    case when ran then pg_temp.exec_uuid(i) end,
    c, greatest(c, coalesce(last_run, c)), case when status in ('completed', 'failed') then last_run end,
    null, '{}'::jsonb
  from (
    select g1.*,
      case when status = 'scheduled' or status = 'paused' then
        case sched when 0 then jsonb_build_object('kind', 'once', 'runAt', pg_temp.iso(next_at),
               'timezone', zone, 'source', 'run_at', 'original', pg_temp.iso(next_at))
             when 1 then jsonb_build_object('kind', 'interval', 'everyMs', every_ms, 'everyText',
               case every_ms when 86400000 then '1d' else '7d' end, 'timezone', zone,
               'startsAt', pg_temp.iso(next_at - every_ms * interval '1 ms' * floor(extract(epoch from next_at - c) * 1000 / every_ms)),
               'endsAt', null, 'maxRuns', null)
             else jsonb_build_object('kind', 'cron', 'expression', '0 9 * * MON', 'timezone', zone,
               'startsAt', pg_temp.iso(c), 'endsAt', null, 'maxRuns', null) end
      else jsonb_build_object('kind', 'once', 'runAt', pg_temp.iso(last_or_due), 'timezone', zone,
             'source', 'delay', 'original', '2h') end as schedule,
      case when status = 'scheduled' then next_at end as next_run_at,
      case when status = 'scheduled' then 1 else 0 end + case when ran then 1 else 0 end as planned,
      case when ran then case when sched = 0 then 1 else 1 + pg_temp.h(i, 9) % 200 end else 0 end as runs,
      case when ran then last_or_due end as last_run
    from (
      select i, kind, zone, c, status, sched, every_ms, tags, name, description, creator, source,
        source_ref, params, secrets, max_attempts,
        -- A job ran unless it is an active once job, or one of half the cancelled ones.
        not ((active and sched = 0) or (status = 'cancelled' and i % 2 = 0)) as ran,
        case sched
          when 0 then c + greatest(interval '3 hours', ($now - c) + (2 + pg_temp.h(i, 5) % 720) * interval '1 hour')
          when 1 then date_trunc('hour', $now) + interval '3 hours' + (pg_temp.h(i, 5) % (every_ms / 3600000)) * interval '1 hour'
          else (date_trunc('week', $now at time zone zone) + interval '7 days 9 hours') at time zone zone
        end as next_at,
        pg_temp.last_run(i, ${n}, $now) as last_or_due,
        active
      from (
        select i, pg_temp.kind(i) as kind,
          (${sqlArray(ZONES)})[1 + pg_temp.h(i, 2) % ${ZONES.length}] as zone,
          pg_temp.created(i, ${n}, $now) as c,
          i % ${ACTIVE_EVERY} = 0 as active,
          case when i % ${ACTIVE_EVERY} = 0 then (case when pg_temp.h(i, 3) % 10 = 0 then 'paused' else 'scheduled' end)
               when pg_temp.h(i, 3) % 100 < 82 then 'completed'
               when pg_temp.h(i, 3) % 100 < 91 then 'failed' else 'cancelled' end as status,
          case when i % ${ACTIVE_EVERY} = 0 then pg_temp.h(i, 4) % 3 else 0 end as sched,
          case when pg_temp.h(i, 4) % 2 = 0 then 86400000::bigint else 604800000::bigint end as every_ms,
          (case when pg_temp.h(i, 7) % 500 = 0 then array['vip'] else '{}'::text[] end)
            || (case when pg_temp.h(i, 7) % 4 = 0 then '{}'::text[]
                     else array[(${sqlArray(TAGS)})[1 + pg_temp.h(i, 8) % ${TAGS.length}]] end)
            || (case when pg_temp.h(i, 7) % 3 = 0
                     then array[(${sqlArray(TAGS)})[1 + pg_temp.h(i, 10) % ${TAGS.length}]] else '{}'::text[] end) as tags,
          (${sqlArray(NAMES_A)})[1 + pg_temp.h(i, 11) % ${NAMES_A.length}] || ' '
            || (${sqlArray(NAMES_B)})[1 + pg_temp.h(i, 12) % ${NAMES_B.length}]
            || case when pg_temp.h(i, 13) % 1000 = 0 then ' zebra' else '' end || ' #' || i as name,
          case when pg_temp.h(i, 14) % 3 = 0 then 'Pedido do agente: não esquecer, é importante.' end as description,
          (array['dify-assistant', 'ops-bot', 'ana'])[1 + pg_temp.h(i, 15) % 3] as creator,
          case when pg_temp.h(i, 16) % 50 = 0 then 'clickup' else 'api' end as source,
          case when pg_temp.h(i, 16) % 50 = 0 then 'rule:' || (i % 7) || ':task' || i end as source_ref,
          case pg_temp.kind(i)
            when 'webhook' then jsonb_build_object('url', 'https://hooks.example.com/j/' || i, 'method', 'POST',
              'header_names', jsonb_build_array('X-Api-Key'), 'body', '{"text":"Reminder ' || i || '"}',
              'body_type', 'json', 'content_type', null)
            when 'dify' then jsonb_build_object('app', 'helper', 'mode', 'chat', 'inputs', '{}'::jsonb,
              'query', 'Summarise the open tickets for customer ' || i, 'conversation_id', null, 'user', 'agent-tool-server')
            else jsonb_build_object('to', '55119' || lpad((i % 100000000)::text, 8, '0'), 'message', 'Olá! Lembrete ' || i)
          end as params,
          case pg_temp.kind(i) when 'webhook' then '{"headers":{"X-Api-Key":"secret"}}'::jsonb else '{}'::jsonb end as secrets,
          case pg_temp.kind(i) when 'whatsapp' then 1 else 3 end as max_attempts
        from generate_series(1, ${n}) i
      ) g0
    ) g1
  ) g`
}

/**
 * job_executions for the rows of `series` (a generate_series of e, with its where clause), in the
 * order they started. Rows 1..n: the last execution of job e (the one its last_execution_id names),
 * for every job that ran. Rows n+1..total: earlier history of the active recurring jobs, evenly in
 * time from 180 days to 12 hours ago, each given to a recurring job created before it. 92 % succeed;
 * failures carry the classes and messages the actions write; a failed job's last execution is its
 * third attempt (its id then differs from its pg-boss id, as for real retries).
 */
function executionsSql(n: number, total: number, series: string): string {
  return `
  insert into job_executions (id, job_id, boss_job_id, occurrence_at, manual, attempt, status, started_at,
    finished_at, lateness_ms, duration_ms, request_summary, response_status, response_headers,
    response_body, response_truncated, output, error_class, error_message, reports_execution_id, process_id)
  select pg_temp.exec_uuid(e), pg_temp.job_uuid(ji),
    case when attempt = 1 then pg_temp.exec_uuid(e) else md5('occ' || e)::uuid end,
    started - lateness * interval '1 ms', pg_temp.h(e, 31) % 100 = 0, attempt, status, started,
    started + duration * interval '1 ms', lateness, duration,
    case kind
      when 'webhook' then ('{"method":"POST","url":"https://hooks.example.com/j/' || ji
        || '","header_names":["X-Api-Key","Content-Type","X-Job-Id","X-Execution-Id","X-Occurrence-At","X-Attempt"],"body_bytes":24,"webhook_id":"msg_' || e || '"}')::json
      when 'dify' then ('{"app":"helper","mode":"chat","user":"agent-tool-server","conversation_id":null,"input_names":[],"query_chars":42}')::json
      else ('{"to":"55119' || lpad((ji % 100000000)::text, 8, '0') || '","message_chars":18}')::json end,
    case when err is null then 200 when err = 'http_status' then 503 end,
    case when err is null or err = 'http_status' then '{"content-type":"application/json"}'::json end,
    case when err is null then '{"ok":true}' when err = 'http_status' then '{"error":"Service Unavailable"}' end,
    case when err is null or err = 'http_status' then false end,
    case when kind = 'dify' and err is null then ('{"answer":"There are ' || (e % 17) || ' open tickets.","conversation_id":"c' || ji || '"}')::json end,
    err,
    case err when 'http_status' then 'The URL answered HTTP 503.'
      when 'timeout' then 'No answer within 30 s.'
      when 'network' then 'Could not connect: ECONNREFUSED.'
      when 'dify_error' then 'Dify answered 500: internal error.'
      when 'abandoned' then 'The process running this attempt stopped before it finished.' end,
    null, md5('process' || (e % 50))::uuid
  from (
    select e, ji, kind, started, attempt,
      case when failed then
        case when kind = 'dify' and pg_temp.h(e, 33) % 3 = 0 then 'dify_error'
          else (array['http_status', 'http_status', 'http_status', 'timeout', 'network', 'abandoned'])[1 + pg_temp.h(e, 34) % 6] end
      end as err,
      case when failed then 'failed' else 'succeeded' end as status,
      case when pg_temp.h(e, 35) % 20 = 0 then 50 + pg_temp.h(e, 36) % 5000 else pg_temp.h(e, 36) % 40 end as lateness,
      case when failed and pg_temp.h(e, 34) % 6 = 3 then 30000 else 20 + pg_temp.h(e, 37) % 900 end as duration
    from (
      select e, ji, pg_temp.kind(ji) as kind,
        case when e <= ${n} then pg_temp.last_run(ji, ${n}, $now)
        else greatest(pg_temp.created(ji, ${n}, $now) + interval '1 minute',
          $now - interval '12 hours' - (1 - frac) * (interval '180 days' - interval '12 hours')
          + (pg_temp.h(e, 30) % 60000) * interval '1 ms') end as started,
        case when e <= ${n} then job_failed else pg_temp.h(e, 32) % 100 < 8 end as failed,
        case when e <= ${n} and job_failed then 3 when e > ${n} and pg_temp.h(e, 32) % 100 < 3 then 2 else 1 end as attempt
      from (
        select s.e, s.frac,
          coalesce(r.i, s.e) as ji,
          j.status is not distinct from 'failed' as job_failed
        from (
          select e, frac, case when e <= ${n} then pg_temp.job_uuid(e) end as job_id,
            -- A history row goes to a recurring job created before it (recurring is in creation order).
            case when e > ${n} then 1 + pg_temp.h(e, 29) % greatest(1, floor(c.n * frac * 0.98)::bigint) end as k
          from (select e, (e - ${n})::float8 / ${Math.max(1, total - n)} as frac
                from ${series}) e0,
            (select count(*) as n from recurring) c
        ) s
        left join scheduled_jobs j on j.id = s.job_id
        left join recurring r on r.k = s.k
        where s.e > ${n} or j.last_execution_id is not null
      ) x0
    ) x1
  ) x
  order by started`
}

const CHANGES_SQL = `
  insert into job_changes (job_id, changed_at, actor, via, change, detail)
  select id, created_at, created_by, source, 'create', '{}'::jsonb
  from (select id, created_at, created_by, case source when 'clickup' then 'clickup' else 'api' end as source
        from scheduled_jobs) j`

interface IndexDef {
  name: string
  table: string
  definition: string
  constraint: boolean
  /** Statistics targets set on the index's columns (migration 015), re-applied after the rebuild. */
  statistics: { column: number; target: number }[]
}

const BIG_TABLES = ['scheduled_jobs', 'job_executions', 'job_changes']

async function bigTableIndexes(db: pg.ClientBase): Promise<IndexDef[]> {
  const result = await db.query<IndexDef>(
    `select i.relname as name, t.relname as table,
       coalesce(pg_get_constraintdef(c.oid), pg_get_indexdef(i.oid)) as definition,
       c.oid is not null as constraint,
       coalesce((select json_agg(json_build_object('column', a.attnum, 'target', a.attstattarget))
                 from pg_attribute a where a.attrelid = i.oid and a.attstattarget > 0), '[]') as statistics
     from pg_index x join pg_class i on i.oid = x.indexrelid join pg_class t on t.oid = x.indrelid
     left join pg_constraint c on c.conindid = i.oid and c.contype in ('p', 'u')
     where t.relname = any($1) and t.relnamespace = 'public'::regnamespace`,
    [BIG_TABLES],
  )
  return result.rows
}

/** Seeds `size` into the migrated database behind `db`; `boss` is started (database.ts migrate). */
export async function seed(
  db: pg.ClientBase,
  boss: PgBoss,
  size: SeedSize,
  log: (message: string) => void,
): Promise<SeedTimings> {
  const steps: [string, number][] = []
  const started = performance.now()
  const step = async (label: string, run: () => Promise<unknown>) => {
    const t = performance.now()
    await run()
    const seconds = (performance.now() - t) / 1000
    steps.push([label, seconds])
    log(`  ${label}: ${seconds.toFixed(1)} s`)
  }
  const now = new Date()
  const n = size.jobs
  // The seed's own session: more memory for index builds, no waiting on WAL flushes per statement.
  await db.query(
    `set maintenance_work_mem = '256MB'; set synchronous_commit = off; set work_mem = '64MB'`,
  )
  const withNow = (sql: string) =>
    expand(sql).replaceAll('$now', `'${now.toISOString()}'::timestamptz`)

  const indexes = await bigTableIndexes(db)
  await step('drop indexes', async () => {
    for (const index of indexes) {
      await db.query(
        index.constraint
          ? `alter table ${index.table} drop constraint ${index.name}`
          : `drop index ${index.name}`,
      )
    }
  })
  await step(`insert ${n.toLocaleString('en')} jobs`, () => db.query(withNow(jobsSql(n))))
  // The executions' join needs to find jobs by id; a temporary hash index is cheap next to 10 M rows.
  await step('jobs primary key', async () => {
    const pk = indexes.find((i) => i.table === 'scheduled_jobs' && i.constraint)
    if (pk) await db.query(`alter table scheduled_jobs add constraint ${pk.name} ${pk.definition}`)
    await db.query('analyze scheduled_jobs')
  })
  await db.query(
    expand(`create temporary table recurring as
       select row_number() over (order by i) as k, i
       from generate_series(${ACTIVE_EVERY}, ${n}, ${ACTIVE_EVERY}) i
       where pg_temp.h(i, 4) % 3 <> 0;
     create index on recurring (k); analyze recurring`),
  )
  const total = size.executions
  const insertExecutions = (label: string, series: string) =>
    step(label, () => db.query(withNow(executionsSql(n, total, series))))
  // Rows land in the order their attempts started, as the engine writes them (the BRIN index on
  // started_at relies on it): finished jobs' last attempts, the history in slices of time, and last
  // the active jobs' latest attempts.
  await insertExecutions(
    'insert executions: last attempts of finished jobs',
    `generate_series(1, ${n}) e where e % ${ACTIVE_EVERY} <> 0`,
  )
  const chunk = 2_000_000
  for (let from = n + 1; from <= total; from += chunk) {
    const to = Math.min(total, from + chunk - 1)
    await insertExecutions(
      `insert executions: history ${from.toLocaleString('en')}..${to.toLocaleString('en')}`,
      `generate_series(${from}, ${to}) e`,
    )
  }
  await insertExecutions(
    'insert executions: latest attempts of active jobs',
    `generate_series(${ACTIVE_EVERY}, ${n}, ${ACTIVE_EVERY}) e`,
  )
  await step('insert job changes', () => db.query(CHANGES_SQL))
  await step('rebuild indexes', async () => {
    for (const index of indexes) {
      if (index.table === 'scheduled_jobs' && index.constraint) continue
      await db.query(
        index.constraint
          ? `alter table ${index.table} add constraint ${index.name} ${index.definition}`
          : index.definition,
      )
      for (const { column, target } of index.statistics) {
        await db.query(`alter index ${index.name} alter column ${column} set statistics ${target}`)
      }
    }
  })
  await step('vacuum analyze', () =>
    db.query('vacuum (analyze) scheduled_jobs, job_executions, job_changes'),
  )
  let occurrences = 0
  await step('enqueue pending occurrences (pg-boss)', async () => {
    const result = await db.query<{
      id: string
      action_kind: string
      generation: number
      max_attempts: number
      timeout_seconds: number
      next_run_at: Date
    }>(
      `select id, action_kind, generation, max_attempts, timeout_seconds, next_run_at
       from scheduled_jobs where status = 'scheduled' and next_run_at is not null`,
    )
    const batch = 2_000
    for (let i = 0; i < result.rows.length; i += batch) {
      const planned = result.rows.slice(i, i + batch).map((row) => {
        const job: Pick<
          JobRecord,
          'id' | 'actionKind' | 'generation' | 'maxAttempts' | 'timeoutSeconds'
        > = {
          id: row.id,
          actionKind: row.action_kind,
          generation: row.generation,
          maxAttempts: row.max_attempts,
          timeoutSeconds: row.timeout_seconds,
        }
        return planScheduled(job, row.next_run_at)
      })
      await enqueueOccurrences(boss, db, planned, DELIVERY)
      occurrences += planned.length
    }
    await db.query('vacuum (analyze) pgboss.job')
  })
  const counts = await db.query<{ jobs: number; executions: number; changes: number }>(
    `select (select count(*)::int from scheduled_jobs) as jobs,
       (select count(*)::int from job_executions) as executions,
       (select count(*)::int from job_changes) as changes`,
  )
  const row = counts.rows[0] ?? { jobs: 0, executions: 0, changes: 0 }
  return {
    steps,
    total: (performance.now() - started) / 1000,
    rows: { ...row, occurrences },
  }
}
