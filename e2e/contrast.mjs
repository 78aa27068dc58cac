// WCAG AA contrast check of the palette in www/style.css, for both themes: every text colour
// must reach 4.5:1 on the backgrounds it is used on. Usage: node e2e/contrast.mjs
import { readFile } from "node:fs/promises";

const css = await readFile(new URL("../www/style.css", import.meta.url), "utf8");
function palette(block) {
  const vars = {};
  for (const [, name, value] of block.matchAll(/--([a-z-]+):\s*(#[0-9a-fA-F]{6})/g)) vars[name] = value;
  return vars;
}
const light = palette(css.slice(css.indexOf(":root"), css.indexOf("@media (prefers-color-scheme: dark)")));
const darkStart = css.indexOf("@media (prefers-color-scheme: dark)");
const dark = { ...light, ...palette(css.slice(darkStart, css.indexOf("}\n}", darkStart))) };

const lum = (hex) => {
  const c = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255).map((v) => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4));
  return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
};
const ratio = (a, b) => {
  const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p);
  return (x + 0.05) / (y + 0.05);
};
// [text, background] pairs as the stylesheet uses them.
const pairs = [
  ["fg", "bg"], ["fg", "panel"], ["muted", "bg"], ["muted", "panel"], ["accent", "bg"], ["accent", "panel"],
  ["error", "bg"], ["error", "error-bg"], ["warn", "bg"], ["warn", "warn-bg"], ["ok", "bg"], ["ok", "ok-bg"],
  ["unk", "bg"], ["unk", "unk-bg"], ["inv", "bg"], ["inv", "inv-bg"], ["tp-header", "panel"], ["tp-payload", "panel"], ["tp-signature", "panel"],
];
let failed = 0;
for (const [name, theme] of [["light", light], ["dark", dark]]) {
  for (const [fg, bg] of pairs) {
    const r = ratio(theme[fg], theme[bg]);
    if (r < 4.5) {
      failed++;
      console.log(`  FAIL ${name}: --${fg} ${theme[fg]} on --${bg} ${theme[bg]} is ${r.toFixed(2)}:1 (needs 4.5:1)`);
    }
  }
}
console.log(`contrast: ${pairs.length * 2 - failed} of ${pairs.length * 2} colour pairs meet WCAG AA (4.5:1)`);
process.exit(failed ? 1 : 0);
