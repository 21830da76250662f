/** Opaque keyset cursors: base64url JSON of the last row's sort key. */
import { fieldProblem } from '../../problem-error.ts'

export interface Keyset {
  at: Date
  id: string
  /** How the page was chosen when that can change between pages (listJobs: search 'any'). */
  mode?: string
}

export function encodeCursor(keyset: Keyset): string {
  const body = {
    t: keyset.at.toISOString(),
    id: keyset.id,
    ...(keyset.mode ? { m: keyset.mode } : {}),
  }
  return Buffer.from(JSON.stringify(body)).toString('base64url')
}

export function decodeCursor(cursor: string | null | undefined): Keyset | undefined {
  if (!cursor) return undefined
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as {
      t?: string
      id?: string
      m?: string
    }
    const at = new Date(parsed.t ?? '')
    if (
      Number.isNaN(at.getTime()) ||
      typeof parsed.id !== 'string' ||
      !/^[0-9a-f-]{36}$/i.test(parsed.id)
    ) {
      throw new Error('bad cursor')
    }
    return { at, id: parsed.id, ...(typeof parsed.m === 'string' ? { mode: parsed.m } : {}) }
  } catch {
    throw fieldProblem(
      'cursor',
      'is not a cursor this server issued.',
      'Pass next_cursor from the previous page unchanged, or leave it empty for the first page.',
    )
  }
}
