// Manual use: full-page screenshots of the built site in headless Chromium, to look at.
//   node tools/screenshot.js "/de/|1280|/tmp/home.png" "/de/|390|/tmp/home-phone.png" "/|1280|/tmp/root.png|nojs"
// Each argument: path | viewport width | output PNG [| nojs].
import { start, newPage } from "../lib/browser.js";

const env = await start();
try {
  for (const spec of process.argv.slice(2)) {
    const [path, width, out, js] = spec.split("|");
    const page = await newPage(env.browser, { viewport: { width: Number(width), height: 900 }, javaScriptEnabled: js !== "nojs" });
    await page.goto(env.base + path, { waitUntil: "load" });
    if (path.includes("/compare/?s=")) await page.waitForSelector(".compare-table");
    await page.screenshot({ path: out, fullPage: true });
    await page.context().close();
    console.log(out);
  }
} finally {
  await env.close();
}
