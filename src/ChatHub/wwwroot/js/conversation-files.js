// A conversation out (Markdown or our JSON, saved from a Blob URL: the download needs the bearer token) and in (our JSON or a SillyTavern chat).
import { $, show } from "./dom.js";
import * as session from "./session.js";

const EXTENSIONS = { markdown: "md", json: "json" };

export class ConversationFiles {
  #error = $("#tools-error");
  #current;
  #onImported;

  /**
   * @param current () => the open conversation, or null
   * @param onImported (conversation) => void: a file became this new conversation
   */
  constructor({ current, onImported }) {
    this.#current = current;
    this.#onImported = onImported;
    for (const format of Object.keys(EXTENSIONS)) {
      $(`#export-${format}`).addEventListener("click", () => this.#export(format));
    }
    const input = $("#import-conversation");
    input.addEventListener("change", async () => {
      const [file] = input.files;
      input.value = "";
      if (file) await this.#import(file);
    });
  }

  clearError() {
    this.#error.textContent = "";
    show(this.#error, false);
  }

  async #export(format) {
    const conversation = this.#current();
    if (!conversation) return;
    this.clearError();
    try {
      const response = await session.send("GET", `/api/conversations/${encodeURIComponent(conversation.id)}/export?format=${format}`);
      const url = URL.createObjectURL(await response.blob());
      const link = Object.assign(document.createElement("a"), { href: url, download: fileName(response, `conversation.${EXTENSIONS[format]}`) });
      link.click();
      setTimeout(() => URL.revokeObjectURL(url));
    } catch (error) {
      this.#fail(`The conversation could not be exported: ${error.message}`);
    }
  }

  async #import(file) {
    const conversation = this.#current();
    if (!conversation) return;
    this.clearError();
    const form = new FormData();
    form.append("file", file, file.name);
    try {
      const response = await session.send("POST", `/api/conversations/import?characterId=${encodeURIComponent(conversation.characterId)}`, form);
      this.#onImported(await response.json());
    } catch (error) {
      this.#fail(`The file could not be imported: ${error.message}`);
    }
  }

  #fail(message) {
    this.#error.textContent = message;
    show(this.#error);
  }
}

/** The name the server gave the file (Content-Disposition), else a plain one. */
function fileName(response, fallback) {
  const header = response.headers.get("content-disposition") ?? "";
  const encoded = /filename\*=UTF-8''([^;]+)/i.exec(header)?.[1];
  if (encoded) return decodeURIComponent(encoded);
  return /filename="?([^";]+)"?/i.exec(header)?.[1] ?? fallback;
}
