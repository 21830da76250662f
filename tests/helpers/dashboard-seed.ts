/** Real-looking data for dashboard tests and screenshots: jobs of every kind and state, runs, ClickUp. */

import type { DashboardHarness } from './dashboard.ts'
import { waitUntil } from './engine-wait.ts'
import { deliverSigned, statusEvent } from './fake-clickup.ts'

export interface SeededJobs {
  invoice: string
  build: string
  standup: string
  nightly: string
  campaign: string
  crm: string
  hello: string
}

export async function seedDashboard(h: DashboardHarness): Promise<SeededJobs> {
  h.receiver.respond = (req) =>
    req.path.startsWith('/crm')
      ? { status: 503, body: '{"error":"CRM is down for maintenance"}' }
      : { status: 200, body: '{"ok":true,"received":"yes"}' }
  const service = h.scheduler.runtime.service
  const dify = { name: 'dify-assistant', via: 'api' as const }
  const create = async (input: Record<string, unknown>) =>
    (await service.createJob('webhook', input, dify)).job.id
  const later = new Date(Date.now() + 3 * 3_600_000).toISOString()
  const ids: SeededJobs = {
    invoice: await create({
      name: 'Remind Ana about the invoice',
      run_at: later,
      timezone: 'Europe/Madrid',
      url: `${h.receiver.url}/remind?token=s3cr3t-in-query`,
      headers: '{"X-Api-Key":"header-secret-value"}',
      body: '{"text":"Ana, the invoice 4711 is due today"}',
      tags: 'reminders,clients',
    }),
    build: await create({
      name: 'Check the build status',
      every: '15m',
      url: `${h.receiver.url}/build`,
      method: 'GET',
      tags: 'ops',
    }),
    standup: await create({
      name: 'Weekday stand-up summary',
      cron: '0 9 * * MON-FRI',
      timezone: 'America/Sao_Paulo',
      url: `${h.receiver.url}/standup`,
      tags: 'team',
    }),
    nightly: await create({
      name: 'Nightly sales report',
      cron: '0 2 * * *',
      url: `${h.receiver.url}/report`,
    }),
    campaign: await create({
      name: 'Old newsletter campaign',
      every: '1d',
      url: `${h.receiver.url}/newsletter`,
    }),
    crm: await create({
      name: 'Sync contacts to the CRM',
      delay: '1s',
      max_attempts: 1,
      url: `${h.receiver.url}/crm/sync`,
    }),
    hello: await create({
      name: 'Say hello to the team',
      delay: '1s',
      url: `${h.receiver.url}/hello`,
    }),
  }
  await service.pauseJob(ids.nightly, { name: 'ana', via: 'ui' })
  await service.cancelJob(ids.campaign, { name: 'dify-assistant', via: 'mcp' })
  await service.runJobNow(ids.build, { name: 'ana', via: 'ui' })
  await waitUntil(
    'the seeded one-time jobs to settle',
    async () => {
      const crm = await service.getJob(ids.crm)
      const hello = await service.getJob(ids.hello)
      const build = await service.getJob(ids.build)
      return (
        crm.job.status === 'failed' &&
        hello.job.status === 'completed' &&
        build.job.last_execution?.status === 'succeeded'
      )
    },
    15_000,
  )
  await seedClickUp(h)
  return ids
}

async function seedClickUp(h: DashboardHarness) {
  const clickup = h.scheduler.runtime.clickup
  if (!clickup || !h.fake) return
  await clickup.createRule({
    name: 'Remind 15 min before due',
    list_id: '901234',
    trigger_status: 'scheduled',
    run_at_field: 'due_date',
    offset: '-15m',
    action: 'webhook',
    url: `${h.receiver.url}/clickup?task={{task.id}}`,
    headers: '{"Authorization":"Bearer rule-header-secret"}',
    body: '{"task":"{{task.name}}"}',
  })
  await clickup.registerWebhook({ team_id: '108', list_id: '901234' })
  const due = Date.now() + 2 * 86_400_000
  h.fake.setTask({
    id: '86b0abc12',
    name: 'Send the quarterly report',
    status: 'scheduled',
    list_id: '901234',
    due_date: String(due),
  })
  const res = await deliverSigned(
    h.app,
    statusEvent('86b0abc12', 'hist-1', Date.now(), 'to do', 'scheduled'),
  )
  if (res.status !== 200) throw new Error(`ClickUp delivery answered ${res.status}`)
  await waitUntil(
    'the ClickUp event to be processed',
    async () =>
      (await clickup.recentEvents()).some((e) => e.taskId === '86b0abc12' && e.outcome !== null),
    15_000,
  )
}
