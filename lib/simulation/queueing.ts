/**
 * Latency under load: an M/D/c queue (Poisson arrivals, deterministic service time, c parallel
 * slots), approximated with the Allen–Cunneen correction of M/M/c: the probability of waiting is
 * Erlang C, and waiting times are those of M/M/c scaled by (Ca² + Cs²) / 2 = 1/2 for deterministic
 * service (Ca² = 1 for Poisson arrivals, Cs² = 0). The waiting-time tail is then
 *
 *   P(W > t) = C(c, a) · exp(-2 (c/s - λ) t)
 *
 * and a request's latency is T = s + W. Inference servers with a fixed batch plan are close to
 * deterministic; M/M/c would overstate the tail (its service time alone has p95 = 3 s).
 * Beyond saturation (λ ≥ c/s) the queue grows without bound: every request of that second misses.
 */

/** Erlang C: probability that an arrival waits, for c servers and offered load a = λ·s (Erlangs). */
export function erlangC(c: number, a: number): number {
  if (c <= 0) { return 1; }
  if (a <= 0) { return 0; }
  if (a >= c) { return 1; }
  // Erlang B by the stable recursion, then C from B.
  let b = 1;
  for (let k = 1; k <= c; k++) { b = (a * b) / (k + a * b); }
  return (c * b) / (c - a * (1 - b));
}

/** P(T > t) for an M/D/c queue: c slots, λ requests/s, service time s seconds. */
export function tailProbability(t: number, c: number, lambda: number, s: number): number {
  if (lambda <= 0) { return t < s ? 1 : 0; }
  if (c <= 0 || lambda * s >= c) { return 1; }
  if (t < s) { return 1; }
  return erlangC(c, lambda * s) * Math.exp(-2 * (c / s - lambda) * (t - s));
}

/** The q-quantile (0 < q < 1) of the latency, seconds (Infinity when saturated). */
export function latencyQuantile(q: number, c: number, lambda: number, s: number): number {
  if (lambda <= 0) { return s; }
  if (c <= 0 || lambda * s >= c) { return Infinity; }
  const pw = erlangC(c, lambda * s);
  if (pw <= 1 - q) { return s; }
  return s + Math.log(pw / (1 - q)) / (2 * (c / s - lambda));
}

/**
 * The service time s such that one instance with `slots` parallel slots, loaded at `rps`, has its
 * q-quantile latency at `latencySeconds` (bisection; the quantile grows with s).
 */
export function calibrateServiceTime(rps: number, latencySeconds: number, slots: number, q: number): number {
  let lo = 0;
  let hi = Math.min(latencySeconds, slots / rps);
  for (let i = 0; i < 80; i++) {
    const mid = (lo + hi) / 2;
    if (latencyQuantile(q, slots, rps, mid) > latencySeconds) { hi = mid; } else { lo = mid; }
  }
  return lo;
}
