// Turns the JSON and text results in bench/out/ into the Markdown tables of BENCHMARKS.md.
// Usage: node bench/summary.mjs [OUT_DIR=bench/out]
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

const dir = process.argv[2] ?? new URL("./out", import.meta.url).pathname;
const read = (f) => (existsSync(join(dir, f)) ? readFileSync(join(dir, f), "utf8") : null);
const json = (f) => (read(f) ? JSON.parse(read(f)) : null);
const kb = (n) => (n / 1000).toFixed(1);
const ms = (s) => `${s.median.toFixed(0)} ms (min ${s.min.toFixed(0)}, max ${s.max.toFixed(0)}, n=${s.n})`;
const out = [];

const machine = read("machine.txt");
if (machine) out.push("## Machine", "", "```", machine.trim(), "```", "");

const size = json("size.json");
if (size) {
  out.push("## Size (dist/, KB = 1000 bytes)", "", "| file | raw | gzip -9 | brotli q11 |", "| --- | ---: | ---: | ---: |");
  for (const r of [...size.files, size.total, ...(size.decoded_wasm ? [size.decoded_wasm] : [])])
    out.push(`| ${r.file} | ${kb(r.raw)} KB | ${kb(r.gzip)} KB | ${kb(r.brotli)} KB |`);
  out.push("", `Budget ${kb(size.budget_gzip_bytes)} KB gzip: ${size.over_budget ? "**over**" : "within"}.`, "");
}

const cli = json("cli.json");
if (cli) {
  out.push("## CLI against jose on Node (whole process, median)", "", "| case | keyhole check wall | keyhole CPU | keyhole peak RSS | jose wall (seq / concurrent) | jose in-process (seq / conc.) | jose CPU (seq / conc.) | jose peak RSS | throughput keyhole ÷ jose (wall / CPU) | keyhole ÷ jose wall (seq / Promise.all) |", "| --- | --- | --- | --- | --- | --- | --- | --- | ---: | ---: |");
  for (const [name, c] of Object.entries(cli.cases))
    out.push(
      `| ${name} | ${ms(c.keyhole_wall_ms)} | ${c.keyhole_cpu_ms.median.toFixed(0)} ms | ${c.keyhole_peak_rss_mb.median.toFixed(1)} MB | ${c.jose_wall_ms.sequential.median.toFixed(0)} / ${c.jose_wall_ms.concurrent.median.toFixed(0)} ms | ${c.jose_in_process_ms.sequential.median.toFixed(0)} / ${c.jose_in_process_ms.concurrent.median.toFixed(0)} ms | ${c.jose_cpu_ms.sequential.median.toFixed(0)} / ${c.jose_cpu_ms.concurrent.median.toFixed(0)} ms | ${c.jose_peak_rss_mb.median.toFixed(1)} MB | ${c.throughput_keyhole_vs_jose.toFixed(2)}× / ${c.throughput_cpu_keyhole_vs_jose.toFixed(2)}× | ${(c.throughput_keyhole_vs_jose_sequential ?? NaN).toFixed(2)}× / ${(c.throughput_keyhole_vs_jose_concurrent ?? NaN).toFixed(2)}× |`,
    );
  out.push("");
}

const br = json("browser.json");
if (br) {
  out.push(`## Headless Chromium ${br.chromium} (median of ${br.runs})`, "", "| case | Keyhole: open → report | jose sequential | jose concurrent | Keyhole ÷ best jose | Keyhole µs/token | jose µs/token |", "| --- | --- | --- | --- | ---: | ---: | ---: |");
  for (const [name, c] of Object.entries(br.batch))
    out.push(
      `| ${name} | ${ms(c.keyhole_report_ms)} | ${ms(c.jose_sequential_ms)} | ${ms(c.jose_concurrent_ms)} | ${c.ratio_keyhole_over_jose_best.toFixed(1)} | ${c.keyhole_us_per_token.toFixed(0)} | ${c.jose_best_us_per_token.toFixed(0)} |`,
    );
  if (br.load)
    out.push("", `Load (cache disabled, median of ${br.loadRuns}): app ready ${ms(br.load.ready_ms)}; first verdict for a pasted sample ${ms(br.load.first_verdict_ms)} after navigation start.`);
  out.push("");
}

const crit = read("criterion.txt");
if (crit) {
  out.push("## Criterion (engine, native)", "", "```");
  const lines = crit.split("\n");
  lines.forEach((l, i) => {
    if (/^\S.*\s+time:\s+\[/.test(l) || /^\S+\/\S+$/.test(l.trim()) || /^\s+(time|thrpt):/.test(l)) out.push(l);
    void i;
  });
  out.push("```", "");
}
const variants = read("size-variants.tsv");
if (variants) out.push("## Size variants (decoded wasm after wasm-opt -Oz, bytes)", "", "```", variants.trim(), "```", "");
console.log(out.join("\n"));
