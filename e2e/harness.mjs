// The end-to-end scripts' check harness: named checks that print "ok"/"FAIL" (with the first
// lines of the error) and a summary line, and the exit status: 1 when any check failed.

/**
 * Checks for one script. `only` (a RegExp, optional) runs just the checks whose names match,
 * for development; CI runs them all.
 */
export function checks({ only = null } = {}) {
  const results = [];
  async function check(name, fn) {
    if (only && !only.test(name)) return;
    try {
      await fn();
      results.push([name, true]);
      console.log(`  ok   ${name}`);
    } catch (e) {
      results.push([name, false]);
      console.log(`  FAIL ${name}\n       ${String(e?.stack ?? e).split("\n").slice(0, 6).join("\n       ")}`);
    }
  }
  /** Prints "`label`: N of M checks passed`suffix`" and exits (1 if any check failed). */
  function finish(label, suffix = "") {
    const failed = results.filter(([, ok]) => !ok).length;
    console.log(`${label}: ${results.length - failed} of ${results.length} checks passed${suffix}`);
    process.exit(failed ? 1 : 0);
  }
  return { check, finish };
}

/** Throws `msg` unless `cond`. */
export function assert(cond, msg) {
  if (!cond) throw new Error(msg);
}
