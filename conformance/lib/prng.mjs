// Seeded, deterministic pseudo-random numbers (sfc32, seeded through a string hash).
// Nothing in the generator may use Math.random(): every choice comes from an Rng.

function hashString(text) {
  // cyrb128-style mix of the label into four 32-bit words.
  let h1 = 1779033703
  let h2 = 3144134277
  let h3 = 1013904242
  let h4 = 2773480762
  for (let i = 0; i < text.length; i++) {
    const k = text.charCodeAt(i)
    h1 = h2 ^ Math.imul(h1 ^ k, 597399067)
    h2 = h3 ^ Math.imul(h2 ^ k, 2869860233)
    h3 = h4 ^ Math.imul(h3 ^ k, 951274213)
    h4 = h1 ^ Math.imul(h4 ^ k, 2716044179)
  }
  h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067)
  h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233)
  h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213)
  h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179)
  return [(h1 ^ h2 ^ h3 ^ h4) >>> 0, (h2 ^ h1) >>> 0, (h3 ^ h1) >>> 0, (h4 ^ h1) >>> 0]
}

export class Rng {
  constructor(label) {
    this.label = String(label)
    ;[this.a, this.b, this.c, this.d] = hashString(this.label)
    for (let i = 0; i < 15; i++) this.next()
  }

  // sfc32: a uniform float in [0, 1).
  next() {
    this.a >>>= 0
    this.b >>>= 0
    this.c >>>= 0
    this.d >>>= 0
    let t = (this.a + this.b) | 0
    this.a = this.b ^ (this.b >>> 9)
    this.b = (this.c + (this.c << 3)) | 0
    this.c = (this.c << 21) | (this.c >>> 11)
    this.d = (this.d + 1) | 0
    t = (t + this.d) | 0
    this.c = (this.c + t) | 0
    return (t >>> 0) / 4294967296
  }

  // An independent stream, so that adding draws to one part of the generator does not
  // shift every later choice in another.
  fork(name) {
    return new Rng(`${this.label}/${name}`)
  }

  int(lo, hi) {
    return lo + Math.floor(this.next() * (hi - lo + 1))
  }

  chance(p) {
    return this.next() < p
  }

  pick(items) {
    if (items.length === 0) throw new Error('pick from an empty list')
    return items[Math.floor(this.next() * items.length)]
  }

  // pairs: [[weight, value], ...]; a value that is a function is called.
  weighted(pairs) {
    let total = 0
    for (const [w] of pairs) total += w
    let r = this.next() * total
    for (const [w, v] of pairs) {
      r -= w
      if (r < 0) return typeof v === 'function' ? v() : v
    }
    const last = pairs[pairs.length - 1][1]
    return typeof last === 'function' ? last() : last
  }

  shuffle(items) {
    const out = items.slice()
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1))
      ;[out[i], out[j]] = [out[j], out[i]]
    }
    return out
  }

  sample(items, n) {
    return this.shuffle(items).slice(0, Math.min(n, items.length))
  }
}
