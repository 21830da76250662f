import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { closestWord, editDistance, foldText } from '../../src/scheduler/text-match.ts'

describe('foldText', () => {
  it('lower-cases and drops accents', () => {
    assert.equal(foldText('São Paulo'), 'sao paulo')
    assert.equal(foldText('Reunião ÀÉÎÕÜ ç'), 'reuniao aeiou c')
  })
})

describe('editDistance', () => {
  it('counts insertions, deletions and substitutions', () => {
    assert.equal(editDistance('run_at', 'run_at'), 0)
    assert.equal(editDistance('runat', 'run_at'), 1)
    assert.equal(editDistance('kitten', 'sitting'), 3)
    assert.equal(editDistance('', 'abc'), 3)
  })
})

describe('closestWord', () => {
  const fields = ['run_at', 'delay', 'every', 'cron', 'timezone', 'max_runs']

  it('finds a near spelling, ignoring case, separators and accents', () => {
    assert.equal(closestWord('runAt', fields), 'run_at')
    assert.equal(closestWord('time-zone', fields), 'timezone')
    assert.equal(closestWord('maxruns', fields), 'max_runs')
    assert.equal(closestWord('delya', fields), 'delay')
  })

  it('returns null when nothing is close', () => {
    assert.equal(closestWord('message', fields), null)
    assert.equal(closestWord('x', fields), null)
  })
})
