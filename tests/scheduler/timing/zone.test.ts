import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  formatClock,
  formatHumanDate,
  formatHumanLocal,
  formatOffset,
  isValidTimezone,
  localIso,
  normaliseTimezone,
  offsetMinutes,
  requireTimezone,
  toRunTime,
} from '../../../src/scheduler/timing/zone.ts'
import { catchFieldError } from './problem.ts'

describe('normaliseTimezone', () => {
  it('keeps a canonical IANA name as is', () => {
    assert.equal(normaliseTimezone('America/Sao_Paulo'), 'America/Sao_Paulo')
    assert.equal(normaliseTimezone('Europe/Berlin'), 'Europe/Berlin')
  })

  it('fixes the case of a zone name', () => {
    assert.equal(normaliseTimezone('america/new_york'), 'America/New_York')
  })

  it('accepts UTC and maps Etc/UTC to UTC', () => {
    assert.equal(normaliseTimezone('UTC'), 'UTC')
    assert.equal(normaliseTimezone('Etc/UTC'), 'UTC')
  })

  it('maps a backward-compatible link to its target zone', () => {
    assert.equal(normaliseTimezone('US/Eastern'), 'America/New_York')
  })

  it('trims surrounding whitespace', () => {
    assert.equal(normaliseTimezone('  Europe/Berlin '), 'Europe/Berlin')
  })

  it('returns null for unknown names, empty text and offsets', () => {
    assert.equal(normaliseTimezone('Mars/Olympus'), null)
    assert.equal(normaliseTimezone('Sao Paulo'), null)
    assert.equal(normaliseTimezone(''), null)
    assert.equal(normaliseTimezone('+03:00'), null)
    assert.equal(normaliseTimezone('UTC+3'), null)
    assert.equal(normaliseTimezone('GMT-5'), null)
  })
})

describe('isValidTimezone', () => {
  it('is true for IANA names and false for anything else', () => {
    assert.equal(isValidTimezone('Asia/Tokyo'), true)
    assert.equal(isValidTimezone('Etc/UTC'), true)
    assert.equal(isValidTimezone('Nowhere'), false)
    assert.equal(isValidTimezone('+03:00'), false)
  })
})

describe('requireTimezone', () => {
  it('returns the canonical name', () => {
    assert.equal(requireTimezone('europe/berlin'), 'Europe/Berlin')
  })

  it('throws a 422 on timezone with an IANA example hint', () => {
    const error = catchFieldError(() => requireTimezone('Mars/Olympus'))
    assert.equal(error.field, 'timezone')
    assert.match(error.message, /Mars\/Olympus/)
    assert.equal(
      error.hint,
      'Use an IANA time zone name such as America/Sao_Paulo or Europe/Berlin',
    )
  })
})

describe('rendering instants in a zone', () => {
  const instant = new Date('2026-12-01T12:00:00Z')

  it('renders local ISO with the zone offset and no milliseconds when they are zero', () => {
    assert.equal(localIso(instant, 'America/Sao_Paulo'), '2026-12-01T09:00:00-03:00')
    assert.equal(localIso(instant, 'UTC'), '2026-12-01T12:00:00+00:00')
  })

  it('keeps milliseconds when they are set', () => {
    assert.equal(
      localIso(new Date('2026-12-01T12:00:00.250Z'), 'UTC'),
      '2026-12-01T12:00:00.250+00:00',
    )
  })

  it('builds a RunTime with UTC and local forms', () => {
    assert.deepEqual(toRunTime(instant, 'America/Sao_Paulo'), {
      utc: '2026-12-01T12:00:00.000Z',
      local: '2026-12-01T09:00:00-03:00',
    })
  })

  it('follows DST in the offset', () => {
    assert.equal(formatOffset(new Date('2027-07-01T12:00:00Z'), 'Europe/Berlin'), '+02:00')
    assert.equal(formatOffset(new Date('2027-01-01T12:00:00Z'), 'Europe/Berlin'), '+01:00')
    assert.equal(offsetMinutes(new Date('2027-07-01T12:00:00Z'), 'America/New_York'), -240)
  })

  it('formats a human date and time in English', () => {
    assert.equal(formatHumanLocal(instant, 'America/Sao_Paulo'), 'Tue 1 Dec 2026 at 09:00')
    assert.equal(
      formatHumanLocal(new Date('2026-12-01T12:00:30Z'), 'UTC'),
      'Tue 1 Dec 2026 at 12:00:30',
    )
    assert.equal(formatHumanDate(instant, 'Asia/Tokyo'), 'Tue 1 Dec 2026')
    assert.equal(formatClock(instant, 'Asia/Tokyo'), '21:00')
  })
})
