// Example values for hints, computed from now so an agent never copies a date that has passed.

import { DateTime } from 'luxon'

function tomorrowAt(now: Date, timezone: string, hour: number, plusDays: number): DateTime {
  return DateTime.fromMillis(now.getTime(), { zone: timezone })
    .plus({ days: plusDays })
    .set({ hour, minute: 0, second: 0, millisecond: 0 })
}

/** 09:00 local `plusDays` days from now (default tomorrow) without an offset: '2026-12-08T09:00'. */
export function exampleLocalRunAt(now: Date, timezone: string, plusDays = 1, hour = 9): string {
  return tomorrowAt(now, timezone, hour, plusDays).toFormat("yyyy-MM-dd'T'HH:mm")
}

/** The same with the zone's offset: '2026-12-08T09:00:00-03:00'. */
export function exampleAbsoluteRunAt(now: Date, timezone: string, plusDays = 1, hour = 9): string {
  return tomorrowAt(now, timezone, hour, plusDays).toFormat("yyyy-MM-dd'T'HH:mm:ssZZ")
}

/** Tomorrow's date in the zone: '2026-12-08'. */
export function exampleDate(now: Date, timezone: string, plusDays = 1): string {
  return tomorrowAt(now, timezone, 0, plusDays).toFormat('yyyy-MM-dd')
}
