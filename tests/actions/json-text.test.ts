import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { parseJsonTextObject, pythonLiteralAsJson } from '../../src/actions/json-text.ts'
import { catchFieldError } from '../scheduler/timing/problem.ts'

describe('pythonLiteralAsJson', () => {
  it('turns a Python dict repr (what Dify sends for an object) into JSON', () => {
    assert.equal(
      pythonLiteralAsJson("{'text': 'hi', 'urgent': True, 'n': 3, 'none': None, 'off': False}"),
      '{"text":"hi","urgent":true,"n":3,"none":null,"off":false}',
    )
  })

  it('handles nesting, lists, tuples, escapes and double-quoted strings inside', () => {
    assert.equal(
      pythonLiteralAsJson(`{'a': [1, 2.5, (3, 4)], 'b': {'c': "it's"}, 'd': 'x\\'y'}`),
      `{"a":[1,2.5,[3,4]],"b":{"c":"it's"},"d":"x'y"}`,
    )
    assert.equal(pythonLiteralAsJson("[{'id': 1}]"), '[{"id":1}]')
  })

  it('returns null for text that is not a Python dict or list literal', () => {
    for (const text of ['hello', "'just a string'", '{not: valid}', "{'a': 1", '']) {
      assert.equal(pythonLiteralAsJson(text), null, text)
    }
  })
})

describe('parseJsonTextObject', () => {
  it('refuses a Python dict repr and shows the same value as JSON', () => {
    const error = catchFieldError(() =>
      parseJsonTextObject('headers', "{'X-Api-Key': 'abc'}", '{"X-Key":"v"}'),
    )
    assert.equal(error.field, 'headers')
    assert.match(error.message, /Python dict/)
    assert.match(error.hint, /\{"X-Api-Key":"abc"\}/)
  })

  it('accepts JSON text and objects', () => {
    assert.deepEqual(parseJsonTextObject('inputs', '{"a":1}', '{}'), { a: 1 })
    assert.deepEqual(parseJsonTextObject('inputs', { a: 1 }, '{}'), { a: 1 })
  })
})
