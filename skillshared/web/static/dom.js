// Small DOM helpers. Every text from the daemon goes in through textContent (names and paths
// come from the user's disk): nothing here parses HTML.

/**
 * Make an element: h("li", {class: "x", testid: "card", data: {target: "claude"}}, child...).
 * Children are nodes or strings (strings become text nodes); null and false are skipped.
 */
export function h(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") node.className = value;
    else if (key === "testid") node.dataset.testid = value;
    else if (key === "data") {
      for (const [name, v] of Object.entries(value)) if (v !== null && v !== undefined) node.dataset[name] = v;
    }
    else if (key === "on") for (const [ev, fn] of Object.entries(value)) node.addEventListener(ev, fn);
    else if (key === "text") node.textContent = value;
    else node.setAttribute(key, value === true ? "" : String(value));
  }
  append(node, children);
  return node;
}

function append(node, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(node, child);
    else node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replace everything inside `node` with `children`. */
export function fill(node, ...children) {
  node.replaceChildren();
  append(node, children);
  return node;
}

/**
 * A list that shows the first `cap` items and a "show all" button for the rest (lists of
 * thousands of skills stay cheap). `open` remembers which lists were opened, by `key`,
 * across re-renders.
 */
export function capped(container, items, render, { cap = 100, key, open }) {
  const all = open && open.has(key);
  const shown = all ? items : items.slice(0, cap);
  for (const item of shown) container.append(render(item));
  if (items.length > shown.length) {
    const more = h("button", { class: "more", type: "button", testid: "show-all" },
      `Show all ${items.length.toLocaleString()}`);
    more.addEventListener("click", () => {
      open.add(key);
      more.remove();
      for (const item of items.slice(cap)) container.append(render(item));
    });
    return more;
  }
  return null;
}

/** A time said relative to now ("12 s ago"), kept current by `refreshTimes`. */
export function ago(iso, format) {
  return h("time", { datetime: iso || "", data: { relative: "1" }, title: iso || "" }, format(iso));
}

/** Say every relative time again (a timer calls it: the page does not fetch for it). */
export function refreshTimes(format) {
  for (const node of document.querySelectorAll("time[data-relative]")) {
    node.textContent = format(node.getAttribute("datetime"));
  }
}

/** A pill: a short label in a colour class. */
export function badge(text, tone, attrs) {
  return h("span", { class: `badge ${tone || ""}`, ...(attrs || {}) }, text);
}
