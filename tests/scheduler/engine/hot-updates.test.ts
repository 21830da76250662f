// The engine rewrites a job row when it claims an occurrence. That write must stay HOT (the new
// version on the row's own page, no new index entries) even in the worst case: many jobs created
// together, so they share pages, all claimed in one transaction, so no page can reclaim space before
// every row on it has its new version (migration 007). The final-status write that follows is HOT
// too when the claim's old versions have been pruned by then, which depends on what else the
// database is doing, so only the claim is checked here.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { useEngineTest } from '../../helpers/engine-test.ts'
import { waitUntil } from '../../helpers/engine-wait.ts'

const engine = useEngineTest('engine_hot_updates')

/** The heap page each job row's current version is on. */
async function pages(ids: readonly string[]): Promise<Map<string, number>> {
  const result = await engine.scheduler.pool.query<{ id: string; page: number }>(
    `select id, (ctid::text::point)[0]::int as page from scheduled_jobs where id = any($1::uuid[])`,
    [ids],
  )
  return new Map(result.rows.map((r) => [r.id, r.page]))
}

describe('job row writes per occurrence', () => {
  it('keep every job row on its page when a batch of jobs created together is claimed at once', async () => {
    // Attempts stay running while the pages are checked, so only the claim has written the rows.
    engine.receiver.respond = () => ({ status: 200, body: '{"ok":true}', delayMs: 2_000 })
    // Far enough ahead for every create to land before the due time, even on a slow runner.
    const runAt = new Date(Date.now() + 4_000).toISOString()
    const ids: string[] = []
    // Typical rows: a description, tags and a small JSON body.
    for (let i = 0; i < 80; i++) {
      const created = await engine.scheduler.runtime.service.createJob(
        'webhook',
        {
          name: `hot ${i}`,
          description: 'Checks that per-occurrence job updates stay on their page.',
          run_at: runAt,
          url: `${engine.receiver.url}/hot`,
          body: JSON.stringify({ note: 'x'.repeat(40), i }),
          tags: 'hot,bulk',
        },
        { name: 'tests' },
      )
      ids.push(created.job.id)
    }
    const before = await pages(ids)
    // The rows really share pages; otherwise this would test nothing.
    assert.ok(new Set(before.values()).size <= ids.length / 3, 'jobs created together share pages')

    await engine.receiver.waitFor(ids.length, 15_000)
    const claimed = await pages(ids)
    const moved = ids.filter((id) => claimed.get(id) !== before.get(id))
    assert.deepEqual(moved, [], `${moved.length} of ${ids.length} job rows moved to another page`)

    await waitUntil(
      'every job completed',
      async () => {
        const result = await engine.scheduler.pool.query<{ n: number }>(
          `select count(*)::int as n from scheduled_jobs where id = any($1::uuid[]) and status = 'completed'`,
          [ids],
        )
        return result.rows[0]?.n === ids.length
      },
      15_000,
    )
  })
})
