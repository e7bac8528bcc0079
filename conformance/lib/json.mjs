// Canonical JSON for the goldens.
//
// * Objects are written in their own key order (the generator builds them deterministically;
//   maps produced by the reference are sorted before they get here).
// * A RawNumber is written exactly as its text, so documents and contexts can hold number
//   spellings that JavaScript cannot keep apart after parsing, such as 5.0 next to 5.
// * Every string is checked for lone UTF-16 surrogates, which Go cannot represent.

export class RawNumber {
  constructor(text) {
    if (!/^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/.test(text)) {
      throw new Error(`not a JSON number: ${text}`)
    }
    const value = Number(text)
    if (!Number.isFinite(value)) throw new Error(`JSON number overflows a double: ${text}`)
    this.text = text
    this.value = value
  }
}

export const raw = (text) => new RawNumber(text)

// The JavaScript value a reader gets after JSON.parse.
export function unraw(value) {
  if (value instanceof RawNumber) return value.value
  if (Array.isArray(value)) return value.map(unraw)
  if (value && typeof value === 'object') {
    const out = {}
    for (const key of Object.keys(value)) out[key] = unraw(value[key])
    return out
  }
  return value
}

// Unpaired surrogates are a mistake everywhere but where a seed puts them on purpose
// (allowLoneSurrogates, set around the seeds that test them).
let loneSurrogatesAllowed = false
export function allowLoneSurrogates(allowed) {
  loneSurrogatesAllowed = allowed
}

export function assertWellFormed(text) {
  if (loneSurrogatesAllowed) return
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i)
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const next = text.charCodeAt(i + 1)
      if (!(next >= 0xdc00 && next <= 0xdfff)) throw new Error(`lone surrogate in ${JSON.stringify(text)}`)
      i++
    } else if (unit >= 0xdc00 && unit <= 0xdfff) {
      throw new Error(`lone surrogate in ${JSON.stringify(text)}`)
    }
  }
}

export function stringify(value) {
  if (value === null) return 'null'
  if (value instanceof RawNumber) return value.text
  switch (typeof value) {
    case 'string':
      assertWellFormed(value)
      return JSON.stringify(value)
    case 'boolean':
      return value ? 'true' : 'false'
    case 'number':
      if (!Number.isFinite(value)) throw new Error(`non-finite number ${value} cannot be written as JSON`)
      return JSON.stringify(value)
    case 'object': {
      if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : stringify(v))).join(',')}]`
      const parts = []
      for (const key of Object.keys(value)) {
        if (value[key] === undefined) continue
        assertWellFormed(key)
        parts.push(`${JSON.stringify(key)}:${stringify(value[key])}`)
      }
      return `{${parts.join(',')}}`
    }
    default:
      throw new Error(`cannot write ${typeof value} as JSON`)
  }
}

// Sorts an object's keys by UTF-16 code units (used for maps that the reference returns).
export function sortKeys(object) {
  const out = {}
  for (const key of Object.keys(object).sort()) out[key] = object[key]
  return out
}
