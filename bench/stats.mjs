// Small statistics helpers shared by the benchmark scripts.
export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
/** { median, min, max, n } of a list of numbers, rounded to 0.1. */
export const stats = (xs) => {
  const r = (x) => Math.round(x * 10) / 10;
  return { median: r(median(xs)), min: r(Math.min(...xs)), max: r(Math.max(...xs)), n: xs.length };
};
