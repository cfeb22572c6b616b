// DOM helpers. Text only ever goes in through textContent, so no string from the server becomes markup.

/** Creates an element: props are properties (className, type, ...) or attributes (aria-*, data-*, role). */
export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (key.includes("-") || key === "role") node.setAttribute(key, value === true ? "" : value);
    else node[key] = value;
  }
  node.append(...children.flat().filter((child) => child !== null && child !== undefined && child !== false));
  return node;
}

/** Paths of the page's 24x24 stroked icons. */
export const ICONS = {
  trash: "M4 7h16M10 11v6M14 11v6M6 7l1 12a2 2 0 0 0 2 2h6a2 2 0 0 0 2-2l1-12M9 7V4h6v3",
  pencil: "M4 20h4L19 9l-4-4L4 16v4zM13 7l4 4",
  regenerate: "M20 12a8 8 0 1 1-2.3-5.6M20 4v5h-5",
  more: "M5 12h14M13 6l6 6-6 6M5 6v12",
  previous: "M15 6l-6 6 6 6",
  next: "M9 6l6 6-6 6",
  copy: "M9 9h10v10H9zM5 15V5h10",
};

/** A 24x24 stroked icon from one SVG path. */
export function icon(path) {
  const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("aria-hidden", "true");
  const shape = document.createElementNS("http://www.w3.org/2000/svg", "path");
  shape.setAttribute("d", path);
  svg.append(shape);
  return svg;
}

export const $ = (selector, root = document) => root.querySelector(selector);

/** Shows or hides an element with the hidden attribute. */
export function show(node, visible = true) {
  node.hidden = !visible;
}

function initials(name) {
  const words = name.trim().split(/\s+/).filter((word) => /^\p{L}/u.test(word));
  const picked = words.length > 1 ? [words[0], words[words.length - 1]] : words;
  return picked.map((word) => word[0].toUpperCase()).join("") || "?";
}

/** One of eight avatar colours, stable for an id; a class, because the page allows no inline styles. */
function hueClass(id) {
  let hash = 0;
  for (const char of id) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return `hue-${hash % 8}`;
}

export function avatar(id, name, size = "") {
  return el("span", { className: `avatar ${hueClass(id)} ${size}`.trim(), "aria-hidden": "true" }, initials(name));
}

const relative = new Intl.RelativeTimeFormat(undefined, { numeric: "auto" });
const steps = [
  ["year", 365 * 24 * 3600], ["month", 30 * 24 * 3600], ["week", 7 * 24 * 3600],
  ["day", 24 * 3600], ["hour", 3600], ["minute", 60],
];

export function timeAgo(date) {
  const seconds = (new Date(date).getTime() - Date.now()) / 1000;
  for (const [unit, size] of steps) {
    if (Math.abs(seconds) >= size) return relative.format(Math.round(seconds / size), unit);
  }
  return "just now";
}

/** A random id for clientMessageId; randomUUID needs a secure context (https or localhost). */
export function newId() {
  if (crypto.randomUUID) return crypto.randomUUID();
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, "0")).join("");
}
