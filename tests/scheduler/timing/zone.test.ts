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
  toRunTime,
} from '../../../src/scheduler/timing/zone.ts'
import { requireTimezone } from '../../../src/scheduler/timing/zone-problem.ts'
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
    assert.match(
      error.hint,
      /Use an IANA time zone name such as America\/Sao_Paulo or Europe\/Berlin/,
    )
    assert.match(error.hint, /ask them for their city/)
  })

  const now = new Date('2026-12-07T12:00:00Z')

  // Former defect (issue 14): "EST" was accepted as America/Panama, UTC-5 all year.
  it('refuses EST, naming America/New_York and what the zone database would have used', () => {
    const error = catchFieldError(() => requireTimezone('EST', 'timezone', now))
    assert.equal(error.field, 'timezone')
    assert.match(error.message, /abbreviation/)
    assert.match(error.message, /America\/Panama, at UTC-05:00 all year \(no daylight saving\)/)
    assert.match(error.hint, /send timezone "America\/New_York"/)
  })

  it('refuses every abbreviation, known to the zone database or not, with likely zones', () => {
    const expected: [string, RegExp][] = [
      ['PST', /"America\/Los_Angeles"/],
      ['CET', /"Europe\/Berlin"; other candidates: Europe\/Paris/],
      ['BRT', /"America\/Sao_Paulo"/],
      ['IST', /"Asia\/Kolkata"; other candidates: Europe\/Dublin, Asia\/Jerusalem/],
      ['BST', /"Europe\/London"/],
      ['est', /"America\/New_York"/],
      ['EST5EDT', /"America\/New_York"/],
      ['XYZT', /IANA name of the user's place/],
    ]
    for (const [zone, hint] of expected) {
      const error = catchFieldError(() => requireTimezone(zone, 'timezone', now))
      assert.match(error.message, /abbreviation/, zone)
      assert.match(error.hint, hint, zone)
      assert.equal(normaliseTimezone(zone), null, zone)
    }
  })

  it('keeps UTC, GMT and the short country names that are real IANA zones', () => {
    for (const zone of ['UTC', 'GMT', 'NZ', 'PRC', 'Japan']) {
      assert.notEqual(normaliseTimezone(zone), null, zone)
    }
  })

  it('names the zone of a place given instead of a zone', () => {
    const error = catchFieldError(() => requireTimezone('São Paulo', 'timezone', now))
    assert.match(error.message, /is a place/)
    assert.match(error.hint, /"America\/Sao_Paulo"/)
    assert.match(catchFieldError(() => requireTimezone('New York, USA')).hint, /America\/New_York/)
    assert.match(catchFieldError(() => requireTimezone('Brasília')).hint, /America\/Sao_Paulo/)
  })

  it('explains that an offset is not a zone and names zones at that offset now', () => {
    const error = catchFieldError(() => requireTimezone('UTC-3', 'timezone', now))
    assert.match(error.message, /UTC offset, not a time zone/)
    assert.match(
      error.hint,
      /America\/Sao_Paulo or America\/Argentina\/Buenos_Aires \(at UTC-03:00 now\)/,
    )
    assert.match(error.hint, /"Etc\/GMT\+3"/)
  })

  it('suggests the zone a typo was close to', () => {
    const error = catchFieldError(() => requireTimezone('Europe/Berln'))
    assert.match(error.hint, /Did you mean "Europe\/Berlin"\?/)
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
