// Moving between the page's own addresses (/settings, /admin, /) without loading the page again.
const NAVIGATED = "characterchat:navigate";

/** Goes to a path of the page: a new history entry, and the page follows it. */
export function navigate(path, { replace = false } = {}) {
  if (replace) history.replaceState(null, "", path);
  else history.pushState(null, "", path);
  dispatchEvent(new Event(NAVIGATED));
}

/** Calls back on every change of address: a link of the page, back and forward. */
export function onNavigate(callback) {
  addEventListener(NAVIGATED, callback);
  addEventListener("popstate", callback);
}

// Links marked data-nav stay in the page; a click with a modifier still opens a new tab as usual.
document.addEventListener("click", (event) => {
  const link = event.target.closest?.("a[data-nav]");
  if (!link || event.defaultPrevented || event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) return;
  event.preventDefault();
  navigate(link.getAttribute("href"));
});
