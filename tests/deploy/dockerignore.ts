/**
 * .dockerignore matching as BuildKit does it (moby/patternmatcher): patterns are anchored at the
 * context root (no implicit `**`), `*` and `?` stay inside one path segment, `**` spans segments,
 * `!` re-includes, the last matching pattern wins, and a pattern that matches a parent folder
 * matches everything inside it.
 */

interface Pattern {
  regex: RegExp
  negate: boolean
  source: string
}

function cleanPath(p: string): string {
  const parts: string[] = []
  for (const part of p.split('/')) {
    if (part === '' || part === '.') continue
    if (part === '..') parts.pop()
    else parts.push(part)
  }
  return parts.join('/')
}

function toRegex(pattern: string): RegExp {
  let out = '^'
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i] as string
    if (ch === '*') {
      if (pattern[i + 1] === '*') {
        i++
        if (pattern[i + 1] === '/') {
          i++
          out += '(?:.*/)?'
        } else {
          out += '.*'
        }
      } else {
        out += '[^/]*'
      }
    } else if (ch === '?') {
      out += '[^/]'
    } else if (ch === '[') {
      const end = pattern.indexOf(']', i + 1)
      if (end < 0) throw new Error(`.dockerignore: unclosed [ in "${pattern}"`)
      out += `[${pattern.slice(i + 1, end).replace(/^!/, '^')}]`
      i = end
    } else if (ch === '\\') {
      i++
      out += (pattern[i] ?? '').replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')
    } else {
      out += ch.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')
    }
  }
  return new RegExp(`${out}$`)
}

export function parseDockerignore(text: string): Pattern[] {
  const patterns: Pattern[] = []
  for (const raw of text.split(/\r?\n/)) {
    let line = raw.trim()
    if (line === '' || line.startsWith('#')) continue
    const negate = line.startsWith('!')
    if (negate) line = line.slice(1).trim()
    const cleaned = cleanPath(line)
    if (cleaned === '') continue
    patterns.push({ regex: toRegex(cleaned), negate, source: raw.trim() })
  }
  return patterns
}

/** True when `relativePath` (from the context root, `/`-separated) is left out of the build context. */
export function isIgnored(relativePath: string, patterns: Pattern[]): boolean {
  const file = cleanPath(relativePath)
  const segments = file.split('/')
  const candidates = segments.map((_, i) => segments.slice(0, i + 1).join('/'))
  let ignored = false
  for (const pattern of patterns) {
    if (pattern.negate !== ignored) continue
    if (candidates.some((candidate) => pattern.regex.test(candidate))) ignored = !pattern.negate
  }
  return ignored
}
