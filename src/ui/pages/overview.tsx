/** The overview: jobs per status, the due backlog, attempts per hour and lateness, as pictures. */
import type { FC } from 'hono/jsx'
import type { Overview } from '../../scheduler/service/overview.ts'
import { JOB_STATUSES } from '../../scheduler/states.ts'
import { BarChart } from '../components/charts.tsx'
import { EmptyState } from '../components/common.tsx'
import { Layout } from '../components/layout.tsx'
import { formatMs } from '../format.ts'
import type { Session } from '../session/sessions.ts'
import type { StaticAssets } from '../static.ts'

export interface OverviewPageProps {
  assets: StaticAssets
  session: Session
  overview: Overview
  publicUrl: string
}

/** The hour of day in the viewer's zone, e.g. "14". */
function hourLabel(hour: Date, timezone: string): string {
  return new Intl.DateTimeFormat('en-GB', { hour: '2-digit', hourCycle: 'h23', timeZone: timezone })
    .format(hour)
    .padStart(2, '0')
}

function latenessLabel(upperMs: number | null, lowerMs: number): string {
  return upperMs === null ? `≥ ${formatMs(lowerMs)}` : `< ${formatMs(upperMs)}`
}

export const OverviewPage: FC<OverviewPageProps> = ({ assets, session, overview, publicUrl }) => {
  const total = JOB_STATUSES.reduce((sum, s) => sum + overview.jobs[s], 0)
  const hours = overview.attempts_per_hour
  const attempts = hours.reduce((sum, h) => sum + h.attempts, 0)
  const failures = hours.reduce((sum, h) => sum + h.failures, 0)
  const late = overview.lateness
  return (
    <Layout title="Overview" assets={assets} session={session} nav="overview">
      <h1>Overview</h1>
      <ul class="stats" aria-label="Jobs by status">
        {JOB_STATUSES.map((status) => (
          <li class={`stat tone-${status}`}>
            <a class="stat-body" href={`/ui/jobs?status=${status}`}>
              <span class="stat-value">{String(overview.jobs[status])}</span>
              <span class="stat-label">{status}</span>
            </a>
          </li>
        ))}
        <li class={`stat ${overview.due_not_started > 0 ? 'tone-alert' : ''}`}>
          <span class="stat-body">
            <span class="stat-value">{String(overview.due_not_started)}</span>
            <span class="stat-label">due, not started</span>
          </span>
        </li>
      </ul>
      {total === 0 ? (
        <EmptyState title="Nothing scheduled yet.">
          <p>
            Connect an agent: import <code>{publicUrl}/openapi.json</code> in Dify as a custom tool
            (API key auth, header <code>Authorization</code>, prefix <code>Bearer</code>), or create
            a <a href="/ui/clickup">ClickUp rule</a>. The <a href="/ui/jobs">jobs page</a> explains
            more.
          </p>
        </EmptyState>
      ) : null}
      <div class="columns">
        <section aria-labelledby="attempts-heading">
          <h2 id="attempts-heading">Attempts in the last 24 hours</h2>
          <p class="hint">
            {String(attempts)} attempts, {String(failures)} failed. Hours in {session.timezone}.
          </p>
          <BarChart
            id="attempts-chart"
            title="Attempts per hour"
            description={`Attempts started per hour over the last 24 hours: ${attempts} in total, ${failures} failed.`}
            labels={hours.map((h) => hourLabel(new Date(h.hour), session.timezone))}
            labelEvery={3}
            series={[
              {
                name: 'succeeded or running',
                className: 'bar-ok',
                values: hours.map((h) => h.attempts - h.failures),
              },
              { name: 'failed', className: 'bar-bad', values: hours.map((h) => h.failures) },
            ]}
          />
        </section>
        <section aria-labelledby="lateness-heading">
          <h2 id="lateness-heading">How late runs started</h2>
          <p class="hint">
            First attempts of scheduled runs in the last 24 hours, by the delay between their due
            time and their start.
          </p>
          <BarChart
            id="lateness-chart"
            title="Lateness of runs"
            description={`How late first attempts started: ${late
              .map((b, i) => `${latenessLabel(b.upper_ms, late[i - 1]?.upper_ms ?? 0)}: ${b.count}`)
              .join(', ')}.`}
            labels={late.map((b, i) => latenessLabel(b.upper_ms, late[i - 1]?.upper_ms ?? 0))}
            series={[{ name: 'runs', className: 'bar-info', values: late.map((b) => b.count) }]}
          />
        </section>
      </div>
    </Layout>
  )
}
