// The open conversation's memory (GET/PUT /api/conversations/{id}/memory): its rolling summary, which the user may read, rewrite or turn off.
import { $, show } from "./dom.js";
import * as session from "./session.js";

export class MemoryPanel {
  #toggle = $("#memory-toggle");
  #form = $("#memory-form");
  #summary = $("#memory-summary");
  #enabled = $("#memory-enabled");
  #status = $("#memory-status");
  #current;

  /** @param current () => the open conversation, or null */
  constructor({ current }) {
    this.#current = current;
    this.#toggle.addEventListener("click", () => (this.#form.hidden ? this.#open() : this.close()));
    this.#form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.#save();
    });
  }

  close() {
    show(this.#form, false);
    this.#toggle.setAttribute("aria-expanded", "false");
  }

  #path = () => `/api/conversations/${encodeURIComponent(this.#current().id)}/memory`;

  async #open() {
    if (!this.#current()) return;
    this.#status.textContent = "";
    show(this.#form);
    this.#toggle.setAttribute("aria-expanded", "true");
    try {
      this.#fill(await session.api("GET", this.#path()));
    } catch (error) {
      this.#status.textContent = `The memory could not be loaded: ${error.message}`;
    }
  }

  async #save() {
    try {
      this.#fill(await session.api("PUT", this.#path(), { summary: this.#summary.value, enabled: this.#enabled.checked }));
      this.#status.textContent = "Memory saved.";
    } catch (error) {
      this.#status.textContent = `The memory could not be saved: ${error.message}`;
    }
  }

  #fill(memory) {
    this.#summary.value = memory.summary;
    this.#enabled.checked = memory.enabled;
  }
}
