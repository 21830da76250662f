import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { ignoredFieldWarnings, suggestField } from '../../src/tools/ignored-fields.ts'

const webhookFields = [
  'name',
  'url',
  'method',
  'body',
  'headers',
  'run_at',
  'delay',
  'every',
  'cron',
  'timezone',
]

describe('suggestField', () => {
  it('maps the words agents use to the field they mean', () => {
    assert.equal(suggestField('message', webhookFields), 'body')
    assert.equal(suggestField('runAt', webhookFields), 'run_at')
    assert.equal(suggestField('interval', webhookFields), 'every')
    assert.equal(suggestField('tz', webhookFields), 'timezone')
    assert.equal(suggestField('endpoint', webhookFields), 'url')
    assert.equal(suggestField('timzone', webhookFields), 'timezone')
  })

  it('offers only fields the tool has', () => {
    assert.equal(suggestField('message', ['to', 'text']), null)
    assert.equal(suggestField('text', ['to', 'message']), 'message')
    assert.equal(suggestField('zzz', webhookFields), null)
  })
})

describe('ignoredFieldWarnings', () => {
  it('names every unknown given field, skipping null and empty ones', () => {
    assert.deepEqual(
      ignoredFieldWarnings({ name: 'x', message: 'hi', foo: null, bar: '', qux: 1 }, webhookFields),
      [
        'Ignored field `message`: this tool has no such field; did you mean `body`? Nothing was taken from it.',
        'Ignored field `qux`: this tool has no such field. Nothing was taken from it.',
      ],
    )
  })
})
