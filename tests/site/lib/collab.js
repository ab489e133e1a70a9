// Helpers for the tickets and forum page tests.

/** Starts the page logged in as `username` with a token the fake API issued. */
export async function signIn(page, fake, username, role) {
  const { token, me } = fake.issue(username, role);
  await page.addInitScript((s) => sessionStorage.setItem("allmende-session", s), JSON.stringify({ token, via: "dev", me }));
}

/** Waits until the `[data-collab=kind]` area finished rendering with `outcome`. */
export async function rendered(page, kind, outcome) {
  await page.waitForSelector(`[data-collab="${kind}"][data-state="${outcome}"]`, { state: "attached", timeout: 20_000 }).catch(async (e) => {
    const state = await page.evaluate((k) => {
      const el = document.querySelector(`[data-collab="${k}"]`);
      return el ? `${el.dataset.state} / ${el.querySelector(".collab-status")?.textContent}` : "no such area";
    }, kind);
    throw new Error(`${kind} did not render "${outcome}" (now: ${state}): ${e.message}`);
  });
}

/** Logs in through the login page's development form and waits to be sent back to `back`. */
export async function devLogin(page, base, back, username, role) {
  const lang = back.split("/")[1];
  await page.goto(`${base}/${lang}/login/?return=${encodeURIComponent(back)}`);
  await rendered(page, "login", "login");
  const form = page.locator("form", { has: page.locator("#dev-login-h") });
  await form.locator("input[name=username]").fill(username);
  await form.locator("select[name=role]").selectOption(role);
  await form.locator("button[type=submit]").click();
}

/** The text (or accessible label) of the focused element. */
export function focusedText(page) {
  return page.evaluate(() => (document.activeElement?.textContent || "").trim());
}

/** Waits until every tickets/forum area of the page has finished rendering (any outcome). */
export async function settled(page) {
  await page.waitForFunction(() => [...document.querySelectorAll("[data-collab]")]
    .filter((el) => el.dataset.collab !== "account")
    .every((el) => el.dataset.state), null, { timeout: 20_000 });
}
