// Keyboard helpers: where focus is, and tabbing until a condition holds (bounded by the
// number of focusable elements, never by time).

/** A description of the focused element and how its focus is drawn. */
export function focused(page) {
  return page.evaluate(() => {
    const el = document.activeElement;
    if (!el || el === document.body) return null;
    const cs = getComputedStyle(el);
    const r = el.getBoundingClientRect();
    return {
      tag: el.tagName.toLowerCase(),
      id: el.id,
      cls: String(el.className || ""),
      type: el.getAttribute("type"),
      slug: el.dataset?.compare,
      text: (el.textContent || el.getAttribute("aria-label") || "").trim().replace(/\s+/g, " ").slice(0, 40),
      outlineStyle: cs.outlineStyle,
      outlineWidth: parseFloat(cs.outlineWidth) || 0,
      focusVisible: el.matches(":focus-visible"),
      visible: r.width > 0 && r.height > 0 && r.bottom > 0 && r.right > 0 && r.top < innerHeight && r.left < innerWidth,
    };
  });
}

export function describe(f) {
  return f ? `<${f.tag}${f.id ? "#" + f.id : ""}${f.cls ? "." + f.cls.split(/\s+/).join(".") : ""}> "${f.text}"` : "(body)";
}

/** How many Tab presses can visit every focusable element once. */
export function tabBound(page) {
  return page.evaluate(
    () => document.querySelectorAll("a[href], button, input, select, textarea, summary, [tabindex]").length + 3,
  );
}

/** Presses Tab until `match(focused)` holds; returns the focused element or throws. */
export async function tabTo(page, match, what) {
  const bound = await tabBound(page);
  for (let i = 0; i < bound; i++) {
    await page.keyboard.press("Tab");
    const f = await focused(page);
    if (f && match(f)) return f;
  }
  throw new Error(`${what} not reached with ${bound} presses of Tab`);
}
