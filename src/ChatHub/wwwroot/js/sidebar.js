// The list of my conversations, and the drawer it becomes on a narrow screen.
import { $, ICONS, avatar, el, icon, show, timeAgo } from "./dom.js";
import { characterAvatar } from "./characters.js";

const narrow = matchMedia("(max-width: 860px)");

export class Sidebar {
  #list = $("#conversation-list");
  #empty = $("#conversation-empty");
  #drawer = $("#sidebar");
  #scrim = $("#scrim");
  #toggle = $("#menu-open");
  #main = $("main.main");
  #conversations = [];
  #characters = new Map();
  #currentId = null;
  #onDelete;
  #onRename;

  /**
   * @param onDelete (conversation, character) => void: the user asked to delete one
   * @param onRename (conversation) => Promise: the user asked to rename one
   */
  constructor({ onDelete, onRename }) {
    this.#onDelete = onDelete;
    this.#onRename = onRename;
    this.#toggle.addEventListener("click", () => this.openDrawer());
    $("#menu-close").addEventListener("click", () => this.closeDrawer());
    this.#scrim.addEventListener("click", () => this.closeDrawer());
    this.#drawer.addEventListener("keydown", (event) => {
      if (event.key === "Escape" && narrow.matches) this.closeDrawer();
    });
    narrow.addEventListener("change", () => this.closeDrawer(false));
    this.closeDrawer(false);
  }

  get conversations() {
    return this.#conversations;
  }

  set(conversations, characters) {
    this.#conversations = [...conversations];
    this.#characters = characters;
    this.#render();
  }

  find = (id) => this.#conversations.find((c) => c.id === id);

  add(conversation) {
    this.#conversations.unshift(conversation);
    this.#render();
  }

  remove(id) {
    this.#conversations = this.#conversations.filter((c) => c.id !== id);
    this.#render();
  }

  /** ConversationUpdated (title, leaf, last message), or a rename's answer; a conversation new to this page joins the list. */
  update(conversation) {
    const known = this.find(conversation.id);
    if (!known) {
      this.add(conversation);
      return;
    }
    // A rename's notice carries no last message: the one known stays.
    Object.assign(known, conversation, { lastMessage: conversation.lastMessage ?? known.lastMessage });
    this.#render();
  }

  /** A conversation got a message: it moves to the top, as the server orders them. */
  touch(id) {
    const conversation = this.find(id);
    if (!conversation) return;
    conversation.updatedAt = new Date().toISOString();
    this.#conversations = [conversation, ...this.#conversations.filter((c) => c !== conversation)];
    this.#render();
  }

  select(id) {
    this.#currentId = id;
    this.#render();
    if (narrow.matches) this.closeDrawer(false);
  }

  openDrawer() {
    this.#drawer.classList.add("open");
    this.#drawer.inert = false;
    // Open, the drawer is modal: what is behind it takes no focus.
    this.#main.inert = true;
    show(this.#scrim);
    this.#toggle.setAttribute("aria-expanded", "true");
    (this.#drawer.querySelector("[aria-current]") ?? $("#new-chat")).focus();
  }

  /** Closed on a narrow screen, the drawer is inert: off-screen links must not take keyboard focus. */
  closeDrawer(returnFocus = true) {
    const wasOpen = this.#drawer.classList.contains("open");
    this.#drawer.classList.remove("open");
    this.#drawer.inert = narrow.matches;
    this.#main.inert = false;
    show(this.#scrim, false);
    this.#toggle.setAttribute("aria-expanded", "false");
    if (wasOpen && returnFocus) this.#toggle.focus();
  }

  #render() {
    // The list is drawn anew; whoever had focus in it keeps it.
    const focused = this.#list.contains(document.activeElement) ? document.activeElement : null;
    const focusedId = focused?.closest("li")?.dataset.id;
    show(this.#empty, this.#conversations.length === 0);
    this.#list.replaceChildren(...this.#conversations.map((conversation) => this.#item(conversation)));
    if (focusedId) this.#list.querySelector(`li[data-id="${CSS.escape(focusedId)}"] .${focused.classList[0]}`)?.focus();
  }

  #item(conversation) {
    const character = this.#characters.get(conversation.characterId) ?? { id: conversation.characterId, name: "Unknown character" };
    const current = conversation.id === this.#currentId;
    const time = el("time", { className: "conversation-time", dateTime: conversation.updatedAt }, timeAgo(conversation.updatedAt));
    const preview = conversation.lastMessage?.preview;
    return el("li", { className: "conversation", "data-id": conversation.id },
      el("a", { className: "conversation-link", href: `#/c/${conversation.id}`, "aria-current": current ? "page" : null },
        characterAvatar(character),
        el("span", { className: "conversation-text" },
          el("span", { className: "conversation-name" }, character.name),
          conversation.title ? el("span", { className: "conversation-title" }, conversation.title) : null,
          preview ? el("span", { className: "conversation-preview" }, preview) : null,
          time)),
      el("span", { className: "conversation-actions" },
        el("button", {
          type: "button",
          className: "conversation-rename icon-btn",
          "aria-label": `Rename conversation with ${character.name}`,
          title: "Rename",
          onclick: async () => {
            await this.#onRename(conversation);
            this.#list.querySelector(`li[data-id="${CSS.escape(conversation.id)}"] .conversation-rename`)?.focus();
          },
        }, icon(ICONS.pencil)),
        el("button", {
          type: "button",
          className: "conversation-delete icon-btn",
          "aria-label": `Delete conversation with ${character.name}`,
          title: "Delete",
          onclick: () => this.#onDelete(conversation, character),
        }, icon(ICONS.trash))));
  }
}
