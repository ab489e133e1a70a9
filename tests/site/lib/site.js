// Where the built site is, and the list of its HTML files.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));

/** The built site: $SITE_DIR, or public/ at the repository root. */
export const SITE = path.resolve(process.env.SITE_DIR || path.join(here, "..", "..", "..", "public"));

export function requireSite() {
  if (!fs.existsSync(path.join(SITE, "index.html"))) {
    throw new Error(`no built site in ${SITE}: run \`cargo run -p allmende -- build\` first`);
  }
}

/** Every *.html file below the site root, as paths relative to it (sorted, `/` separated). */
export function htmlFiles(dir = SITE) {
  const out = [];
  const walk = (d) => {
    for (const ent of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, ent.name);
      if (ent.isDirectory()) walk(p);
      else if (ent.isFile() && ent.name.endsWith(".html")) out.push(path.relative(dir, p).split(path.sep).join("/"));
    }
  };
  walk(dir);
  return out.sort();
}
