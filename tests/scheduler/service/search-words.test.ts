import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { searchWords } from '../../../src/scheduler/service/search-words.ts'

describe('searchWords', () => {
  it('folds case and accents, drops stop words and a plural s', () => {
    assert.deepEqual(searchWords('Remind me about the Invoices'), ['remind', 'invoice'])
    assert.deepEqual(searchWords('Reunião com a Ana'), ['reuniao', 'ana'])
  })

  it('keeps stop words when nothing else is left, and symbols as they are', () => {
    assert.deepEqual(searchWords('the'), ['the'])
    assert.deepEqual(searchWords('%'), ['%'])
    assert.deepEqual(searchWords('   '), [])
  })

  it('keeps words ending in ss and de-duplicates', () => {
    assert.deepEqual(searchWords('address Address'), ['address'])
  })
})
