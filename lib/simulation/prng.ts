/** Seeded pseudo-random numbers (mulberry32): the same seed gives the same run on every machine. */
export class Prng {
  private state: number;
  constructor(seed: number) { this.state = (Math.floor(seed) ^ 0x9e3779b9) >>> 0; }

  /** Uniform in [0, 1). */
  public next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Standard normal (Box–Muller). */
  public normal(): number {
    const u = Math.max(this.next(), 1e-12);
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.next());
  }

  /** Poisson count with mean m (Knuth below 30, normal approximation above). */
  public poisson(m: number): number {
    if (m <= 0) { return 0; }
    if (m > 30) { return Math.max(0, Math.round(m + Math.sqrt(m) * this.normal())); }
    const l = Math.exp(-m);
    let k = 0;
    let p = 1;
    do { k++; p *= this.next(); } while (p > l);
    return k - 1;
  }

  /** Binomial count (exact below 50 trials, normal approximation above). */
  public binomial(n: number, p: number): number {
    if (n <= 0 || p <= 0) { return 0; }
    if (p >= 1) { return n; }
    if (n < 50) {
      let k = 0;
      for (let i = 0; i < n; i++) { if (this.next() < p) { k++; } }
      return k;
    }
    const mean = n * p;
    if (mean < 10) { return Math.min(n, this.poisson(mean)); }
    return Math.min(n, Math.max(0, Math.round(mean + Math.sqrt(mean * (1 - p)) * this.normal())));
  }
}
