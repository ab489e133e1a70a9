// axe-core in a page: WCAG 2.0/2.1 A and AA rules plus axe's best practices, and an assertion
// that names every violation with the elements it concerns.
import assert from "node:assert/strict";
import fs from "node:fs";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const AXE_SOURCE = fs.readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
const TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];
// axe's best practices (landmarks, heading order, …) are checked too, and reported apart.
const BEST = "best-practice";

function describe(violations) {
  return violations
    .map((v) => {
      const nodes = v.nodes
        .slice(0, 10)
        .map((n) => `      ${n.target.join(" ")}\n        ${(n.failureSummary || "").replace(/\n/g, "\n        ")}`)
        .join("\n");
      const more = v.nodes.length > 10 ? `\n      … and ${v.nodes.length - 10} more` : "";
      return `  ${v.id} (${v.impact}): ${v.help}\n    ${v.helpUrl}\n${nodes}${more}`;
    })
    .join("\n");
}

// Runs axe; `incomplete` (what axe could not decide, e.g. contrast over a gradient) is
// reported as a diagnostic for people to review, not failed. The trailing `void 0` keeps Playwright from serialising the value of the last statement (axe itself) back.
export async function axe(page) {
  await page.evaluate(`${AXE_SOURCE}\n;void 0`);
  return page.evaluate(
    (tags) => window.axe.run(document, { runOnly: { type: "tag", values: tags }, resultTypes: ["violations", "incomplete"] }),
    [...TAGS, BEST],
  );
}

/** Asserts no violation of the WCAG rules, then none of the best practices. */
export function assertClean(result, where) {
  const wcag = result.violations.filter((v) => v.tags.some((t) => TAGS.includes(t)));
  const best = result.violations.filter((v) => !wcag.includes(v));
  assert.equal(wcag.length, 0, `axe found ${wcag.length} WCAG violation(s) on ${where}:\n${describe(wcag)}`);
  assert.equal(best.length, 0, `axe found ${best.length} best-practice violation(s) on ${where}:\n${describe(best)}`);
}
