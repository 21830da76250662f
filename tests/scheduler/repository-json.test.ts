import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { toPostgresJson } from '../../src/scheduler/repository/outcomes.ts'

describe('toPostgresJson', () => {
  it('turns NUL characters into U+FFFD anywhere in the value', () => {
    const text = toPostgresJson([{ body: 'a\u0000b', nested: { list: ['\u0000'] } }])
    assert.deepEqual(JSON.parse(text), [{ body: 'a\ufffdb', nested: { list: ['\ufffd'] } }])
  })

  it('turns lone surrogates into U+FFFD and keeps paired ones', () => {
    const cut = '😀'.slice(0, 1)
    const value = { high: `a${cut}b`, low: '\udc00', pair: '😀' }
    assert.deepEqual(JSON.parse(toPostgresJson(value)), {
      high: 'a\ufffdb',
      low: '\ufffd',
      pair: '😀',
    })
  })

  it('leaves text that only looks like the escape alone', () => {
    const value = { literal: '\\u0000', surrogate: '\\ud800', both: '\\\u0000', plain: 'ok' }
    assert.deepEqual(JSON.parse(toPostgresJson(value)), {
      literal: '\\u0000',
      surrogate: '\\ud800',
      both: '\\\ufffd',
      plain: 'ok',
    })
  })

  it('is plain JSON.stringify when there is nothing to replace', () => {
    const value = { at: new Date('2026-11-27T08:00:00Z'), n: 1, none: null }
    assert.equal(toPostgresJson(value), JSON.stringify(value))
  })
})
