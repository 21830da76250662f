// Loose text matching for agent input: accent- and case-folding, and "did you mean" by edit distance.

/**
 * Lower-case without diacritics: 'São Paulo' → 'sao paulo', 'Reunião' → 'reuniao'. Decomposes
 * (NFD) and drops the combining marks U+0300–U+036F, exactly what the job search does in SQL
 * (scheduled_job_search_text, migration 015), so a folded word matches folded text.
 */
export function foldText(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
}

/** Levenshtein distance (insertions, deletions, substitutions), for short identifiers. */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const current = [i]
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      current[j] = Math.min(
        (previous[j] ?? 0) + 1,
        (current[j - 1] ?? 0) + 1,
        (previous[j - 1] ?? 0) + cost,
      )
    }
    previous = current
  }
  return previous[b.length] ?? 0
}

/**
 * The candidate closest to `word` (folded, `_`/`-`/space-insensitive) when it is near enough to be a
 * typo: at most 1 edit for words up to 4 characters, 2 up to 8, 3 beyond. Null otherwise.
 */
export function closestWord(word: string, candidates: readonly string[]): string | null {
  const key = (text: string) => foldText(text).replace(/[\s_-]+/g, '')
  const target = key(word)
  const allowed = target.length <= 4 ? 1 : target.length <= 8 ? 2 : 3
  let best: string | null = null
  let bestDistance = Number.POSITIVE_INFINITY
  for (const candidate of candidates) {
    const distance = editDistance(target, key(candidate))
    if (distance < bestDistance) {
      best = candidate
      bestDistance = distance
    }
  }
  return bestDistance <= allowed ? best : null
}
