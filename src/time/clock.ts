/** The source of "now", injected everywhere so tests can pin time instead of sleeping. */

export interface Clock {
  now(): Date
}

export const systemClock: Clock = { now: () => new Date() }

/** A clock that stays where it is put; tests move it with `set` or `advance`. */
export function createFixedClock(start: Date): Clock & {
  set(date: Date): void
  advance(ms: number): void
} {
  let current = start.getTime()
  return {
    now: () => new Date(current),
    set: (date) => {
      current = date.getTime()
    },
    advance: (ms) => {
      current += ms
    },
  }
}
