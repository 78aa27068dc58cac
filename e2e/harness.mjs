// The end-to-end scripts' check harness: named checks that print "ok"/"FAIL" (with the first
// lines of the error) and a summary line, and the exit status: 1 when any check failed.

/**
 * How long one check may take before it fails as hung (E2E_CHECK_TIMEOUT_MS overrides). A
 * browser call without a timeout of its own (page.evaluate) waits forever when the page never
 * answers; CI must end with a named failure instead.
 */
const CHECK_TIMEOUT_MS = Number(process.env.E2E_CHECK_TIMEOUT_MS ?? 8 * 60 * 1000);

/**
 * Checks for one script. `only` (a RegExp, optional) runs just the checks whose names match,
 * for development; CI runs them all. `step(label)` records what a check is doing, so a check
 * that hangs fails naming its last step.
 */
export function checks({ only = null } = {}) {
  const results = [];
  let current = "";
  function step(label) {
    current = label;
  }
  async function check(name, fn, { timeoutMs = CHECK_TIMEOUT_MS } = {}) {
    if (only && !only.test(name)) return;
    current = "start";
    let timer;
    const t0 = Date.now();
    // Each result line says how long its check took, so a slow CI run shows where time went.
    const took = () => `(${((Date.now() - t0) / 1000).toFixed(1)} s)`;
    const hung = new Promise((_, fail) => {
      timer = setTimeout(() => fail(new Error(`did not finish in ${Math.round(timeoutMs / 1000)} s; last step: ${current}`)), timeoutMs);
    });
    try {
      await Promise.race([fn(), hung]);
      results.push([name, true]);
      console.log(`  ok   ${name} ${took()}`);
    } catch (e) {
      results.push([name, false]);
      console.log(`  FAIL ${name} ${took()}\n       ${String(e?.stack ?? e).split("\n").slice(0, 6).join("\n       ")}`);
    } finally {
      clearTimeout(timer);
    }
  }
  /** Prints "`label`: N of M checks passed`suffix`" and exits (1 if any check failed). */
  function finish(label, suffix = "") {
    const failed = results.filter(([, ok]) => !ok).length;
    console.log(`${label}: ${results.length - failed} of ${results.length} checks passed${suffix}`);
    process.exit(failed ? 1 : 0);
  }
  return { check, finish, step };
}

/** Throws `msg` unless `cond`. */
export function assert(cond, msg) {
  if (!cond) throw new Error(msg);
}
