// Searching my conversations from the sidebar: GET /api/conversations?query=, each match with its snippet.
import { $, el, show } from "./dom.js";
import { characterAvatar } from "./characters.js";
import * as session from "./session.js";

const DEBOUNCE_MS = 250;

export class ConversationSearch {
  #input = $("#conversation-search");
  #results = $("#search-results");
  #status = $("#search-status");
  #list = $("#conversation-list");
  #timer = 0;
  #asked = 0;

  constructor() {
    this.#input.addEventListener("input", () => {
      clearTimeout(this.#timer);
      this.#timer = setTimeout(() => this.#search(this.#input.value.trim()), DEBOUNCE_MS);
    });
  }

  /** Signing out or in again: the box starts empty. */
  clear() {
    clearTimeout(this.#timer);
    this.#input.value = "";
    this.#showResults(false);
  }

  async #search(query) {
    const asked = ++this.#asked;
    if (!query) {
      this.#showResults(false);
      return;
    }
    try {
      const found = await session.api("GET", `/api/conversations?query=${encodeURIComponent(query)}`);
      if (asked !== this.#asked) return;
      this.#results.replaceChildren(...found.map((conversation) => this.#item(conversation)));
      this.#status.textContent = found.length === 0 ? "No conversation holds those words." : `${found.length} found.`;
    } catch (error) {
      if (asked !== this.#asked) return;
      this.#results.replaceChildren();
      this.#status.textContent = `The search failed: ${error.message}`;
    }
    this.#showResults(true);
  }

  #showResults(visible) {
    show(this.#results, visible);
    show(this.#status, visible);
    show(this.#list, !visible);
    if (!visible) this.#results.replaceChildren();
  }

  #item(conversation) {
    const character = conversation.character ?? { id: conversation.characterId, name: "Unknown character" };
    return el("li", { className: "conversation", "data-id": conversation.id },
      el("a", { className: "conversation-link", href: `#/c/${conversation.id}` },
        characterAvatar(character),
        el("span", { className: "conversation-text" },
          el("span", { className: "conversation-name" }, character.name),
          conversation.title ? el("span", { className: "conversation-title" }, conversation.title) : null,
          conversation.match ? el("span", { className: "conversation-snippet" }, conversation.match.snippet) : null)));
  }
}
