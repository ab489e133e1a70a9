// Manual use: `node tools/serve.js` serves the built site on a free port and prints its address.
// `/api/` goes to the in-memory fake API (lib/fakeapi.js), or with `--api http://127.0.0.1:PORT/`
// to a running API (e.g. `ALLMENDE_DEV_LOGIN=1 allmende api`).
import { serve } from "../lib/server.js";
import { SITE, requireSite } from "../lib/site.js";
import { fakeApi } from "../lib/fakeapi.js";
requireSite();
const i = process.argv.indexOf("--api");
const s = await serve(SITE, { api: i > 0 ? process.argv[i + 1] : fakeApi().handle });
console.log(s.url);
