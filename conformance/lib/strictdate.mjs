// The strict date grammar shared with the Go library (see conformance/README.md).
//
//   date     = YYYY | YYYY-MM | YYYY-MM-DD | (+|-)YYYYYY[-MM[-DD]]      (not -000000)
//   datetime = date-with-day (T|t|' ') HH:mm[:ss[.fraction]] [Z|z|(+|-)HH:mm]
//
// month 01-12, day 01..days in that month (proleptic Gregorian), hour 00-23 or exactly
// 24:00[:00[.0...]] (the start of the next day), minutes and seconds 00-59, offset hours 00-23
// and minutes 00-59, fraction one or more digits truncated to milliseconds, no surrounding
// whitespace. No offset means UTC. The resulting instant must lie within ECMAScript's time
// range, |t| <= 8.64e15 ms; outside it the string is not strict (and V8 rejects it too).
// With the space separator a four-digit year must be 0100 or later: V8 hands space-separated
// strings to its legacy parser, which reads years 0000-0099 as two-digit years (0091 -> 1991).
//
// parseStrictDate returns the epoch milliseconds, or null when the string is not strict.

const GRAMMAR =
  /^(?:(\d{4})|([+-])(\d{6}))(?:-(\d{2})(?:-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?([Zz]|[+-]\d{2}:\d{2})?)?)?)?$/

const MAX_TIME = 8.64e15

function isLeap(y) {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0
}

function daysInMonth(y, m) {
  return [31, isLeap(y) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]
}

// Days from 1970-01-01 to the given proleptic Gregorian date (Howard Hinnant's algorithm).
export function daysFromCivil(y, m, d) {
  const yy = m <= 2 ? y - 1 : y
  const era = Math.floor(yy / 400)
  const yoe = yy - era * 400
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy
  return era * 146097 + doe - 719468
}

export function parseStrictDate(text) {
  if (typeof text !== 'string') return null
  const m = GRAMMAR.exec(text)
  if (!m) return null
  const [, y4, sign, y6, mo, da, hh, mi, ss, frac, zone] = m
  const separator = hh === undefined ? undefined : text[y4 !== undefined ? 10 : 13]
  if (separator === ' ' && y4 !== undefined && Number(y4) < 100) return null
  let year
  if (y4 !== undefined) {
    year = Number(y4)
  } else {
    if (sign === '-' && y6 === '000000') return null
    year = (sign === '-' ? -1 : 1) * Number(y6)
  }
  const month = mo === undefined ? 1 : Number(mo)
  if (month < 1 || month > 12) return null
  const day = da === undefined ? 1 : Number(da)
  if (day < 1 || day > daysInMonth(year, month)) return null
  let hour = 0
  let minute = 0
  let second = 0
  let millis = 0
  let offsetMinutes = 0
  if (hh !== undefined) {
    hour = Number(hh)
    minute = Number(mi)
    second = ss === undefined ? 0 : Number(ss)
    if (minute > 59 || second > 59) return null
    if (hour === 24) {
      if (minute !== 0 || second !== 0 || (frac !== undefined && /[1-9]/.test(frac))) return null
    } else if (hour > 23) {
      return null
    }
    if (frac !== undefined) millis = Number(frac.slice(0, 3).padEnd(3, '0'))
    if (zone !== undefined && zone !== 'Z' && zone !== 'z') {
      const oh = Number(zone.slice(1, 3))
      const om = Number(zone.slice(4, 6))
      if (oh > 23 || om > 59) return null
      offsetMinutes = (zone[0] === '-' ? -1 : 1) * (oh * 60 + om)
    }
  }
  const days = daysFromCivil(year, month, day)
  const ms = ((days * 24 + hour) * 60 + minute - offsetMinutes) * 60000 + second * 1000 + millis
  if (Math.abs(ms) > MAX_TIME) return null
  return ms
}

// Random strings in (and near) the grammar, for checking it against V8 at start-up.
export function grammarSamples(rng, count) {
  const p = (n, w = 2) => String(n).padStart(w, '0')
  const out = []
  for (let i = 0; i < count; i++) {
    const y = rng.weighted([
      [5, () => p(rng.int(0, 9999), 4)],
      [2, () => p(rng.int(0, 130), 4)],
      [2, () => `${rng.pick(['+', '-'])}${p(rng.int(0, 300000), 6)}`],
    ])
    let s = y
    const parts = rng.int(0, 2)
    if (parts >= 1) s += `-${p(rng.int(0, 13))}`
    if (parts >= 2) s += `-${p(rng.int(0, 32))}`
    if (parts === 2 && rng.chance(0.8)) {
      const h = rng.chance(0.05) ? 24 : rng.int(0, 24)
      s += `${rng.pick(['T', 't', ' '])}${p(h)}:${p(rng.chance(0.9) && h === 24 ? 0 : rng.int(0, 60))}`
      if (rng.chance(0.7)) {
        s += `:${p(rng.chance(0.9) && h === 24 ? 0 : rng.int(0, 60))}`
        if (rng.chance(0.5)) s += `.${h === 24 && rng.chance(0.8) ? '0'.repeat(rng.int(1, 5)) : String(rng.int(0, 99999999)).slice(0, rng.int(1, 9))}`
      }
      const z = rng.int(0, 3)
      if (z === 1) s += rng.pick(['Z', 'z'])
      if (z === 2) s += `${rng.pick(['+', '-'])}${p(rng.int(0, 24))}:${p(rng.int(0, 60))}`
    }
    out.push(s)
  }
  return out
}
