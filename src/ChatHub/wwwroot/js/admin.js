// The admins' page at /admin: users found by name or email, page by page, their role and how many devices are signed in;
// then who used the most tokens in the last 30 days.
import { $, el, show } from "./dom.js";
import * as session from "./session.js";
import { usageTable } from "./settings.js";

const PATH = "/admin";
const PAGE_SIZE = 20;
const ROLES = ["free", "paid", "admin"];

export class Admin {
  #root = $("#admin-view");
  #query = "";
  #cursors = [null]; // the `after` of each page seen so far; the last is the current page's
  #status = el("p", { className: "form-status", role: "status" });
  #body = el("tbody");
  #pager = el("div", { className: "pager" });
  #usage = el("section", { className: "admin-usage", "aria-labelledby": "admin-usage-title" });

  owns = (path) => path === PATH || path.startsWith(`${PATH}/`);

  open() {
    const search = el("input", { type: "search", id: "admin-query", name: "query", value: this.#query, autocomplete: "off" });
    const searchForm = el("form", { className: "search", role: "search" },
      el("label", { htmlFor: "admin-query" }, "Search by name or email"),
      el("div", { className: "search-row" }, search, el("button", { type: "submit", className: "btn btn-secondary" }, "Search")));
    searchForm.addEventListener("submit", (event) => {
      event.preventDefault();
      this.#query = search.value.trim();
      this.#cursors = [null];
      this.#load();
    });
    const heading = el("h1", { id: "admin-title", className: "page-title", tabIndex: -1 }, "Users");
    this.#root.replaceChildren(el("div", { className: "page-inner" },
      heading,
      el("p", { className: "muted" }, "Everyone with an account, in the order they signed up. A new role applies to the user's devices at once."),
      searchForm,
      this.#status,
      el("div", { className: "table-scroll", tabIndex: 0, role: "region", "aria-label": "Users table" },
        el("table", { className: "table" },
          el("thead", {}, el("tr", {}, ["Name", "Email", "Role", "Signed-in devices"].map((h) => el("th", { scope: "col" }, h)))),
          this.#body)),
      this.#pager,
      this.#usage));
    show(this.#root);
    this.#loadUsage();
    document.title = "Users · Admin · CharacterChat";
    heading.focus();
    return this.#load();
  }

  close() {
    show(this.#root, false);
  }

  async #load() {
    const after = this.#cursors[this.#cursors.length - 1];
    const query = new URLSearchParams({ limit: PAGE_SIZE });
    if (after) query.set("after", after);
    if (this.#query) query.set("query", this.#query);
    this.#body.setAttribute("aria-busy", "true");
    try {
      const page = await session.api("GET", `/api/admin/users?${query}`);
      this.#body.replaceChildren(...page.users.map((user) => this.#row(user)));
      this.#status.textContent = page.users.length === 0 ? (this.#query ? `No user matches “${this.#query}”.` : "No users yet.") : "";
      this.#renderPager(page);
    } catch (error) {
      this.#status.textContent = `The users could not be loaded: ${error.message}`;
    } finally {
      this.#body.setAttribute("aria-busy", "false");
    }
  }

  async #loadUsage() {
    const title = el("h2", { id: "admin-usage-title", className: "section-title" }, "Most tokens in the last 30 days");
    try {
      const top = await session.api("GET", "/api/admin/usage?limit=20");
      this.#usage.replaceChildren(title, top.users.length === 0 ? el("p", { className: "muted" }, "No replies yet.")
        : usageTable("Top users by tokens", ["Name", "Email", "Role", "Replies", "Tokens"], top.users.map((u) =>
          [u.name ?? "(deleted)", u.email ?? "", u.role ?? "", u.usage.replies.toLocaleString(), u.usage.totalTokens.toLocaleString()])));
    } catch (error) {
      this.#usage.replaceChildren(title, el("p", { className: "form-error" }, `Usage could not be loaded: ${error.message}`));
    }
  }

  #renderPager(page) {
    const previous = el("button", { type: "button", className: "btn btn-secondary btn-sm", disabled: this.#cursors.length === 1 }, "Previous page");
    const next = el("button", { type: "button", className: "btn btn-secondary btn-sm", disabled: !page.hasMore }, "Next page");
    previous.addEventListener("click", () => {
      this.#cursors.pop();
      this.#load();
    });
    next.addEventListener("click", () => {
      this.#cursors.push(page.users[page.users.length - 1].id);
      this.#load();
    });
    this.#pager.replaceChildren(previous, el("span", { className: "muted" }, `Page ${this.#cursors.length}`), next);
  }

  #row(user) {
    const devices = el("td", { className: "numeric" }, "…");
    session.api("GET", `/api/admin/users/${encodeURIComponent(user.id)}`)
      .then((detail) => { devices.textContent = String(detail.sessions); })
      .catch(() => { devices.textContent = "?"; });
    const role = el("select", { "aria-label": `Role of ${user.name} (${user.email})` },
      ROLES.map((r) => el("option", { value: r, selected: r === user.role }, r)));
    role.addEventListener("change", async () => {
      role.disabled = true;
      try {
        const updated = await session.api("PUT", `/api/admin/users/${encodeURIComponent(user.id)}/role`, { role: role.value });
        user.role = updated.role;
        this.#status.textContent = `${user.name}'s role is now ${updated.role}.`;
      } catch (error) {
        role.value = user.role;
        this.#status.textContent = `The role could not be changed: ${error.message}`;
      } finally {
        role.disabled = false;
      }
    });
    return el("tr", { "data-id": user.id }, el("td", {}, user.name), el("td", {}, user.email), el("td", {}, role), devices);
  }
}
