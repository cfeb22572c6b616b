// A small Markdown renderer that builds DOM nodes: every piece of text goes in as a text node, so a
// reply or a description can format itself but never inject markup or script. Covers what chat
// models write: paragraphs, line breaks, headings, emphasis, code, fenced code, lists, quotes,
// rules and links (http, https and mailto only). Unclosed syntax mid-stream shows as plain text.
import { el } from "./dom.js";

const FENCE = /^\s{0,3}(`{3,}|~{3,})\s*([\w+#.-]*)/;
const HEADING = /^\s{0,3}(#{1,6})\s+(.*?)(?:\s+#+)?\s*$/;
const RULE = /^\s{0,3}([-*_])(?:\s*\1){2,}\s*$/;
const QUOTE = /^\s{0,3}>\s?/;
const ITEM = /^(\s{0,3})([-*+]|\d{1,9}[.)])\s+(.*)$/;

const INLINE = new RegExp([
  "(?<tick>`+)(?<code>[^`]|[^`][\\s\\S]*?[^`])\\k<tick>(?!`)",
  "\\*\\*(?<strong>\\S(?:[\\s\\S]*?\\S)?)\\*\\*",
  "(?<!\\w)__(?<strong2>\\S(?:[\\s\\S]*?\\S)?)__(?!\\w)",
  "~~(?<del>\\S(?:[\\s\\S]*?\\S)?)~~",
  "\\*(?<em>[^\\s*](?:[\\s\\S]*?[^\\s*])?)\\*",
  "(?<!\\w)_(?<em2>[^\\s_](?:[\\s\\S]*?[^\\s_])?)_(?!\\w)",
  "\\[(?<label>[^\\]\\n]+)\\]\\((?<href>[^)\\s]+)(?:\\s+\"[^\"\\n]*\")?\\)",
  "(?<url>\\bhttps?:\\/\\/[^\\s<>()]*[^\\s<>().,;:!?'\"])",
].join("|"), "g");

/** Markdown text -> a DocumentFragment of safe nodes. */
export function renderMarkdown(text) {
  const fragment = document.createDocumentFragment();
  fragment.append(...blocks(text.replace(/\r\n?/g, "\n").split("\n")));
  return fragment;
}

function blocks(lines) {
  const out = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i];
    if (!line.trim()) {
      i++;
    } else if (FENCE.test(line)) {
      i = fenced(lines, i, out);
    } else if (HEADING.test(line)) {
      const [, hashes, content] = HEADING.exec(line);
      // Inside a message the page's own headings come first: "#" is a small heading here.
      out.push(el(`h${Math.min(hashes.length + 2, 6)}`, {}, inline(content)));
      i++;
    } else if (RULE.test(line)) {
      out.push(el("hr"));
      i++;
    } else if (QUOTE.test(line)) {
      const quoted = takeWhile(lines, i, (l) => QUOTE.test(l));
      out.push(el("blockquote", {}, blocks(quoted.map((l) => l.replace(QUOTE, "")))));
      i += quoted.length;
    } else if (ITEM.test(line)) {
      i = list(lines, i, out);
    } else {
      const paragraph = takeWhile(lines, i, (l, n) => l.trim() && (n === 0 || !startsBlock(l)));
      out.push(el("p", {}, paragraph.flatMap((l, n) => (n ? [el("br"), ...inline(l.trim())] : inline(l.trim())))));
      i += paragraph.length;
    }
  }
  return out;
}

const startsBlock = (line) => FENCE.test(line) || HEADING.test(line) || RULE.test(line) || QUOTE.test(line) || ITEM.test(line);

function takeWhile(lines, start, keep) {
  const taken = [];
  for (let i = start; i < lines.length && keep(lines[i], i - start); i++) taken.push(lines[i]);
  return taken;
}

/** A fenced code block; one still streaming (no closing fence yet) runs to the end. */
function fenced(lines, start, out) {
  const [, fence, language] = FENCE.exec(lines[start]);
  const body = takeWhile(lines, start + 1, (l) => !l.trimStart().startsWith(fence));
  const code = el("code", { className: language ? `language-${language}` : undefined }, body.join("\n"));
  out.push(el("pre", {}, code));
  return start + 1 + body.length + 1;
}

/** A list of one kind (bulleted or numbered); indented lines belong to the item above (nesting). */
function list(lines, start, out) {
  const ordered = (line) => /\d/.test(ITEM.exec(line)[2]);
  const kind = ordered(lines[start]);
  const items = [];
  let i = start;
  while (i < lines.length) {
    const line = lines[i];
    const item = ITEM.exec(line);
    if (item && item[1].length < 2 && ordered(line) === kind) {
      items.push([item[3]]);
    } else if (items.length && /^\s{2,}\S/.test(line)) {
      items[items.length - 1].push(line.replace(/^\s{2,4}/, ""));
    } else if (!line.trim() && ITEM.test(lines[i + 1] ?? "") && ordered(lines[i + 1]) === kind) {
      // A blank line between two items keeps the list going.
    } else {
      break;
    }
    i++;
  }
  const first = Number.parseInt(ITEM.exec(lines[start])[2], 10);
  const node = el(kind ? "ol" : "ul", { start: kind && first !== 1 ? first : undefined });
  node.append(...items.map((itemLines) => el("li", {}, itemLines.length === 1 ? inline(itemLines[0]) : blocks(itemLines))));
  out.push(node);
  return i;
}

/** Inline Markdown -> an array of strings (become text nodes) and elements. */
function inline(text) {
  const nodes = [];
  let last = 0;
  for (const match of text.matchAll(INLINE)) {
    if (match.index > last) nodes.push(text.slice(last, match.index));
    nodes.push(inlineNode(match.groups));
    last = match.index + match[0].length;
  }
  if (last < text.length) nodes.push(text.slice(last));
  return nodes;
}

function inlineNode(g) {
  if (g.code !== undefined) return el("code", {}, g.code);
  if (g.strong !== undefined || g.strong2 !== undefined) return el("strong", {}, inline(g.strong ?? g.strong2));
  if (g.del !== undefined) return el("del", {}, inline(g.del));
  if (g.em !== undefined || g.em2 !== undefined) return el("em", {}, inline(g.em ?? g.em2));
  if (g.label !== undefined) return link(g.href, inline(g.label));
  return link(g.url, [g.url]);
}

function link(href, children) {
  const url = safeUrl(href);
  if (!url) return el("span", {}, children);
  return el("a", { href: url, target: "_blank", rel: "noopener noreferrer nofollow" }, children);
}

/** Only web and mail links: no javascript:, data: or other schemes. */
function safeUrl(href) {
  try {
    const url = new URL(href, location.href);
    return ["http:", "https:", "mailto:"].includes(url.protocol) ? url.href : null;
  } catch {
    return null;
  }
}
