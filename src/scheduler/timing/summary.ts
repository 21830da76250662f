// One-sentence English summaries of a Schedule for users and agents.

import { describeCronExpression } from './cron-describe.ts'
import { everyPhrase, relativePhrase } from './humanize.ts'
import type { Schedule } from './types.ts'
import { formatHumanLocal } from './zone.ts'

function times(count: number): string {
  return count === 1 ? 'once' : `${count} times`
}

/** 'on Tue 1 Dec 2026 at 09:00 (in 2 hours 5 minutes)' or 'no runs left'. */
function nextPart(next: Date | null, now: Date, timezone: string): string {
  return next === null
    ? 'no runs left'
    : `next on ${formatHumanLocal(next, timezone)} (${relativePhrase(next, now)})`
}

function limitParts(endsAt: string | null, maxRuns: number | null, timezone: string): string[] {
  const parts: string[] = []
  if (endsAt !== null) parts.push(`until ${formatHumanLocal(new Date(endsAt), timezone)}`)
  if (maxRuns !== null) parts.push(`at most ${times(maxRuns)}`)
  return parts
}

/**
 * One sentence, e.g.
 * - 'Runs once on Tue 1 Dec 2026 at 09:00 (America/Sao_Paulo), in 2 hours 5 minutes.'
 * - 'Runs every 15 minutes in Europe/Berlin, next on Fri 27 Nov 2026 at 13:15 (in 15 minutes), until …, at most 10 times.'
 * - 'Runs at 09:00 on Monday through Friday (Europe/Berlin time; cron "0 9 * * MON-FRI"), next on … (in …).'
 * `next` is the next due time (null when finished, e.g. a once schedule that already ran).
 */
export function describeSchedule(schedule: Schedule, now: Date, next: Date | null): string {
  const zone = schedule.timezone
  switch (schedule.kind) {
    case 'once': {
      const runAt = new Date(schedule.runAt)
      const when = `on ${formatHumanLocal(runAt, zone)} (${zone})`
      return next === null
        ? `Was set to run once ${when}; no runs left.`
        : `Runs once ${when}, ${relativePhrase(runAt, now)}.`
    }
    case 'interval': {
      const parts = [
        `Runs every ${everyPhrase(schedule.everyMs)} in ${zone}`,
        nextPart(next, now, zone),
        ...limitParts(schedule.endsAt, schedule.maxRuns, zone),
      ]
      return `${parts.join(', ')}.`
    }
    case 'cron': {
      const english = describeCronExpression(schedule.expression)
      const cron = `cron ${JSON.stringify(schedule.expression)}`
      const head = english
        ? `Runs ${english} (${zone} time; ${cron})`
        : `Runs on ${cron} in ${zone} (no plain-language description could be made; check the next runs)`
      const parts = [
        head,
        nextPart(next, now, zone),
        ...limitParts(schedule.endsAt, schedule.maxRuns, zone),
      ]
      return `${parts.join(', ')}.`
    }
  }
}
