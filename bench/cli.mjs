// CLI throughput (issue 7): `keyhole check CASE.json` (report to /dev/null; every core, and
// `--threads 1`) against jose on Node over the same case files, each as a whole process under
// /usr/bin/time -v (wall time, CPU time, peak resident memory), median of N runs.
// Usage: node bench/cli.mjs [--cli PATH] [--cases bench/out] [--runs 5] [--json bench/out/cli.json]
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { loadavg } from "node:os";
import { join, resolve } from "node:path";
import { stats } from "./stats.mjs";

const root = new URL("..", import.meta.url).pathname;
const argv = process.argv.slice(2);
const arg = (name, dflt) => {
  const i = argv.indexOf(name);
  return i < 0 ? dflt : argv[i + 1];
};
const targetDir = process.env.CARGO_TARGET_DIR ?? join(root, "target");
const cli = resolve(arg("--cli", process.env.KEYHOLE_CLI ?? join(targetDir, "release/keyhole")));
const casesDir = resolve(arg("--cases", join(root, "bench/out")));
const runs = Number(arg("--runs", 5));
const jsonOut = arg("--json", join(casesDir, "cli.json"));
const caseNames = (arg("--case-names", "rs256-10k,mix-10k") ?? "").split(",").filter(Boolean);
if (!existsSync(cli)) {
  console.error(`cli bench: ${cli} not found (cargo build --release -p keyhole-cli, or --cli PATH)`);
  process.exit(2);
}

/** Runs argv under /usr/bin/time -v; returns wall/cpu seconds, peak RSS (MB) and stdout. */
function timed(cmd, args) {
  const r = spawnSync("/usr/bin/time", ["-v", cmd, ...args], { encoding: "utf8", maxBuffer: 1 << 30 });
  const field = (label) => r.stderr.match(new RegExp(`${label}: ([^\\n]+)`))?.[1];
  const clock = field("Elapsed \\(wall clock\\) time \\(h:mm:ss or m:ss\\)") ?? "0:0";
  const wall = clock.split(":").reduce((acc, part) => acc * 60 + Number(part), 0);
  const cpu = Number(field("User time \\(seconds\\)")) + Number(field("System time \\(seconds\\)"));
  const rssMb = Number(field("Maximum resident set size \\(kbytes\\)")) / 1024;
  if (r.status !== 0 && r.status !== 1) throw new Error(`${cmd} ${args.join(" ")} exited ${r.status}: ${r.stderr.slice(-800)}`);
  return { wall, cpu, rssMb, stdout: r.stdout };
}

const results = { when: new Date().toISOString(), cli, node: process.version, runs, load_average_before: loadavg(), cases: {} };
for (const name of caseNames) {
  const file = join(casesDir, `${name}.json`);
  if (!existsSync(file)) {
    console.error(`cli bench: ${file} is missing; run node bench/gen-case.mjs`);
    process.exit(2);
  }
  // keyhole on every core and on one (`--threads 1`), then jose sequential and concurrent; the
  // variants take turns within each round so that a change in the machine's load hits them alike.
  const keyhole = [];
  const keyhole1 = [];
  const jose = { sequential: [], concurrent: [] };
  const loads = [];
  for (let i = 0; i < runs; i++) {
    loads.push(loadavg()[0]);
    for (const [threads, into] of [[null, keyhole], ["1", keyhole1]]) {
      const flag = threads ? ` --threads ${threads}` : "";
      const r = timed("/bin/sh", ["-c", `"$0" check "$1"${flag} > /dev/null`, cli, file]);
      console.error(`  keyhole check${flag} ${name} run ${i + 1}: ${r.wall.toFixed(2)} s wall, ${r.cpu.toFixed(2)} s CPU, ${r.rssMb.toFixed(1)} MB peak`);
      into.push(r);
    }
    for (const mode of ["sequential", "concurrent"]) {
      const r = timed(process.execPath, [join(root, "bench/jose-node.mjs"), file, "--mode", mode]);
      const inner = JSON.parse(r.stdout.trim().split("\n").pop());
      console.error(`  jose/node ${name} ${mode} run ${i + 1}: ${inner.ms.toFixed(0)} ms in-process, ${r.wall.toFixed(2)} s wall, ${r.rssMb.toFixed(1)} MB peak (${inner.ok} ok, ${inner.bad} rejected)`);
      jose[mode].push({ ...r, inner });
    }
  }
  const tokens = jose.sequential[0].inner.tokens;
  const k = stats(keyhole.map((r) => r.wall * 1000));
  const jWall = {
    sequential: stats(jose.sequential.map((r) => r.wall * 1000)),
    concurrent: stats(jose.concurrent.map((r) => r.wall * 1000)),
  };
  const jIn = {
    sequential: stats(jose.sequential.map((r) => r.inner.ms)),
    concurrent: stats(jose.concurrent.map((r) => r.inner.ms)),
  };
  const bestWall = Math.min(jWall.sequential.median, jWall.concurrent.median);
  results.cases[name] = {
    tokens,
    keyhole_wall_ms: k,
    keyhole_cpu_ms: stats(keyhole.map((r) => r.cpu * 1000)),
    keyhole_peak_rss_mb: stats(keyhole.map((r) => r.rssMb)),
    keyhole_us_per_token: (1000 * k.median) / tokens,
    keyhole_threads_1_wall_ms: stats(keyhole1.map((r) => r.wall * 1000)),
    keyhole_threads_1_cpu_ms: stats(keyhole1.map((r) => r.cpu * 1000)),
    keyhole_threads_1_peak_rss_mb: stats(keyhole1.map((r) => r.rssMb)),
    load_average_1min: stats(loads),
    jose_wall_ms: jWall,
    jose_in_process_ms: jIn,
    jose_cpu_ms: {
      sequential: stats(jose.sequential.map((r) => r.cpu * 1000)),
      concurrent: stats(jose.concurrent.map((r) => r.cpu * 1000)),
    },
    jose_peak_rss_mb: stats(jose.sequential.map((r) => r.rssMb)),
    jose_verified: jose.sequential[0].inner.ok,
    jose_rejected: jose.sequential[0].inner.bad,
    jose_best_wall_us_per_token: (1000 * bestWall) / tokens,
    ratio_keyhole_over_jose_wall: k.median / bestWall,
    // Throughput ratio as the issue states the goal (≥ 1.0 means Keyhole is at least as fast).
    throughput_keyhole_vs_jose: bestWall / k.median,
    // Against each way a Node user writes the batch (issue 17): one await at a time, and every
    // token at once with Promise.all (spread over libuv's thread pool), from the same run.
    throughput_keyhole_vs_jose_sequential: jWall.sequential.median / k.median,
    throughput_keyhole_vs_jose_concurrent: jWall.concurrent.median / k.median,
    throughput_keyhole_threads_1_vs_jose: bestWall / stats(keyhole1.map((r) => r.wall * 1000)).median,
    // The same by CPU time (user + system), steadier than wall time on a shared machine.
    throughput_cpu_keyhole_vs_jose:
      Math.min(
        stats(jose.sequential.map((r) => r.cpu * 1000)).median,
        stats(jose.concurrent.map((r) => r.cpu * 1000)).median,
      ) / stats(keyhole.map((r) => r.cpu * 1000)).median,
  };
}
results.load_average_after = loadavg();
await writeFile(jsonOut, JSON.stringify(results, null, 2) + "\n");
console.log(JSON.stringify(results, null, 2));
