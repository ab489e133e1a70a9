// Manual use: `node lib/serve-cli.js [PORT]` serves the built site for screenshots.
import { serve } from "./server.js";
import { SITE, requireSite } from "./site.js";
requireSite();
const s = await serve(SITE);
console.log(s.url);
