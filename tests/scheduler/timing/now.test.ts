import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { describeNow } from '../../../src/scheduler/timing/now.ts'
import { catchFieldError } from './problem.ts'

const now = new Date('2026-11-27T13:05:00Z')

describe('describeNow', () => {
  it('describes now in Berlin with every field', () => {
    assert.deepEqual(describeNow(now, 'Europe/Berlin'), {
      now: '2026-11-27T13:05:00.000Z',
      timezone: 'Europe/Berlin',
      local: '2026-11-27T14:05:00+01:00',
      utc_offset: '+01:00',
      weekday: 'Friday',
      human: 'Friday, 27 November 2026, 14:05 (Europe/Berlin, UTC+01:00)',
    })
  })

  it('uses the local weekday when it differs from the UTC one', () => {
    const late = new Date('2026-11-27T23:30:00Z')
    const result = describeNow(late, 'Asia/Tokyo')
    assert.equal(result.weekday, 'Saturday')
    assert.equal(result.utc_offset, '+09:00')
    assert.equal(result.local, '2026-11-28T08:30:00+09:00')
  })

  it('canonicalises the zone it reports', () => {
    assert.equal(describeNow(now, 'america/sao_paulo').timezone, 'America/Sao_Paulo')
    assert.equal(
      describeNow(now, 'Etc/UTC').human,
      'Friday, 27 November 2026, 13:05 (UTC, UTC+00:00)',
    )
  })

  it('shows summer time offsets', () => {
    assert.equal(
      describeNow(new Date('2027-07-01T12:00:00Z'), 'Europe/Berlin').utc_offset,
      '+02:00',
    )
  })

  it('throws a 422 on timezone for an unknown zone', () => {
    assert.equal(catchFieldError(() => describeNow(now, 'Atlantis')).field, 'timezone')
  })
})
