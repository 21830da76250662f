import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { parseMessageText } from '../../src/integrations/whatsapp/message.ts'
import { displayNumber, normalisePhoneNumber } from '../../src/integrations/whatsapp/phone.ts'
import { ProblemError } from '../../src/problem-error.ts'

function rejects422(fn: () => unknown, field: string, pattern: RegExp) {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof ProblemError)
    assert.equal(err.status, 422)
    assert.equal(err.errors?.[0]?.field, field)
    assert.match(`${err.errors?.[0]?.message} ${err.errors?.[0]?.hint}`, pattern)
    return true
  })
}

describe('normalisePhoneNumber', () => {
  it('keeps only the digits of international forms with +, spaces, dashes and parentheses', () => {
    assert.equal(normalisePhoneNumber('+55 (11) 99999-9999'), '5511999999999')
    assert.equal(normalisePhoneNumber(' 5511999999999 '), '5511999999999')
    assert.equal(normalisePhoneNumber('+1 415-555-0100'), '14155550100')
    assert.equal(normalisePhoneNumber('+49 30 901820'), '4930901820')
  })

  it('rejects letters, dots, JIDs and a + that is not leading, with an example', () => {
    rejects422(
      () => normalisePhoneNumber('+55 11 9999x-9999'),
      'to',
      /may only contain.*\+55 11 99999-9999/,
    )
    rejects422(() => normalisePhoneNumber('55.11.99999.9999'), 'to', /may only contain/)
    rejects422(() => normalisePhoneNumber('5511999999999@s.whatsapp.net'), 'to', /may only contain/)
    rejects422(() => normalisePhoneNumber('55+11999999999'), 'to', /may only contain/)
  })

  it('rejects too short, too long, empty and trunk-0 numbers, naming the given field', () => {
    rejects422(
      () => normalisePhoneNumber('+55 1199'),
      'to',
      /6 digits; an international number has 8–15/,
    )
    rejects422(() => normalisePhoneNumber('+55 11 99999-9999 1234'), 'to', /17 digits/)
    rejects422(() => normalisePhoneNumber('   ', 'number'), 'number', /is required/)
    rejects422(() => normalisePhoneNumber(undefined), 'to', /is required/)
    rejects422(() => normalisePhoneNumber('0055 11 99999 9999'), 'to', /starts with 0/)
    rejects422(() => normalisePhoneNumber('(011) 99999-9999'), 'to', /country code/)
  })

  it('displays digits with a leading +', () => {
    assert.equal(displayNumber('5511999999999'), '+5511999999999')
  })
})

describe('parseMessageText', () => {
  it('keeps the text as given, line breaks included', () => {
    assert.equal(parseMessageText('Hi Ana,\nsee you at 9.'), 'Hi Ana,\nsee you at 9.')
  })

  it('rejects blank and over-long texts', () => {
    rejects422(() => parseMessageText(' \n '), 'message', /is empty/)
    rejects422(() => parseMessageText(null), 'message', /is empty/)
    rejects422(() => parseMessageText('x'.repeat(4097)), 'message', /4097 characters; at most 4096/)
  })
})
