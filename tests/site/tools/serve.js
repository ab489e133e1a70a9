// Manual use: `node tools/serve.js` serves the built site on a free port and prints its address.
import { serve } from "../lib/server.js";
import { SITE, requireSite } from "../lib/site.js";
requireSite();
const s = await serve(SITE);
console.log(s.url);
