// Fire lateness of live occurrences and a burst start on a running server: one-time webhook jobs
// created through its HTTP API, fired to the in-thread receiver (bench/receiver.ts). Lateness is
// what a user sees: arrival at the receiver minus the occurrence's due time (X-Occurrence-At).
import type { Receiver } from '../receiver.ts'
import { mapLimit, type Summary, sleep, summarize, waitUntil } from '../stats.ts'

/** Parallel creates; a small client, so creation does not crowd the engine being measured. */
const CREATE_CONCURRENCY = 4

export interface FireResult {
  lateness: Summary
  /** Occurrences that did not arrive before the wait ended. */
  missing: number
}

export interface BurstResult extends FireResult {
  /** From the shared due time until the last arrival (ms). */
  drainMs: number
}

async function createOnce(
  baseUrl: string,
  receiver: Receiver,
  path: string,
  dueTimes: readonly number[],
): Promise<void> {
  await mapLimit(dueTimes, CREATE_CONCURRENCY, async (due, i) => {
    const res = await fetch(`${baseUrl}/jobs/webhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        name: `bench live ${path} ${i}`,
        run_at: new Date(due).toISOString(),
        url: `${receiver.url}${path}`,
        body: '{"bench":true}',
        tags: 'bench',
      }),
    })
    const text = await res.text()
    if (res.status !== 201 && res.status !== 200) {
      throw new Error(`create answered ${res.status}: ${text.slice(0, 300)}`)
    }
  })
}

async function collect(
  receiver: Receiver,
  path: string,
  count: number,
  lastDue: number,
): Promise<FireResult & { arrivals: number[] }> {
  await waitUntil(
    `${count} arrivals at ${path}`,
    async () => (await receiver.count(path)) >= count,
    Math.max(0, lastDue - Date.now()) + 60_000,
    50,
  ).catch(() => {})
  const arrivals = (await receiver.byPath(path)).filter((a) => a.path === path)
  return {
    lateness: summarize(arrivals.map((a) => a.at - a.occurrenceAt)),
    missing: count - arrivals.length,
    arrivals: arrivals.map((a) => a.at),
  }
}

/**
 * `count` one-time jobs due at random times over `spreadMs`, starting `leadMs` from now (creation
 * must be done by then). Returns once all arrived (or a minute after the last was due).
 */
export async function fireLive(
  baseUrl: string,
  receiver: Receiver,
  path: string,
  { count = 200, spreadMs = 20_000, leadMs = 5_000 } = {},
): Promise<FireResult> {
  const base = Date.now() + leadMs
  const dues = Array.from({ length: count }, () => base + Math.floor(Math.random() * spreadMs))
  await createOnce(baseUrl, receiver, path, dues)
  const { lateness, missing } = await collect(receiver, path, count, Math.max(...dues))
  return { lateness, missing }
}

/** `count` one-time jobs all due in the same millisecond, `leadMs` from now. */
export async function fireBurst(
  baseUrl: string,
  receiver: Receiver,
  path: string,
  { count = 1_000, leadMs = 20_000 } = {},
): Promise<BurstResult> {
  const due = Date.now() + leadMs
  await createOnce(
    baseUrl,
    receiver,
    path,
    Array.from({ length: count }, () => due),
  )
  if (Date.now() > due) throw new Error(`creating the burst took longer than ${leadMs} ms`)
  await sleep(Math.max(0, due - Date.now()))
  const { lateness, missing, arrivals } = await collect(receiver, path, count, due)
  return { lateness, missing, drainMs: Math.max(...arrivals) - due }
}

/**
 * Live occurrences while `during` runs: a steady `perSecond` one-time jobs, each created `leadMs`
 * ahead of its due time, until `during` settles. Lateness of every one of them.
 */
export async function fireWhile(
  baseUrl: string,
  receiver: Receiver,
  path: string,
  during: Promise<unknown>,
  { perSecond = 10, leadMs = 3_000 } = {},
): Promise<FireResult> {
  let done = false
  void during.finally(() => {
    done = true
  })
  let created = 0
  let lastDue = Date.now()
  while (!done) {
    const due = Date.now() + leadMs
    const dues = Array.from(
      { length: perSecond },
      (_, i) => due + Math.floor((i * 1000) / perSecond),
    )
    await createOnce(baseUrl, receiver, path, dues)
    created += dues.length
    lastDue = Math.max(lastDue, ...dues)
    await sleep(1000)
  }
  const { lateness, missing } = await collect(receiver, path, created, lastDue)
  return { lateness, missing }
}
