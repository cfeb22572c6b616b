// The home screen: pick a character to start a conversation with.
import { $, avatar, el, show } from "./dom.js";

export class Picker {
  #root = $("#picker-view");
  #list = $("#character-list");
  #error = $("#picker-error");
  #onPick;

  /** @param onPick (character) => Promise: starts a conversation; its error is shown here */
  constructor({ onPick }) {
    this.#onPick = onPick;
  }

  render(characters) {
    this.#list.replaceChildren(...characters.map((character) => this.#card(character)));
    this.#list.setAttribute("aria-busy", "false");
  }

  open() {
    this.#error.textContent = "";
    show(this.#root);
    document.title = "CharacterChat";
  }

  close() {
    show(this.#root, false);
  }

  /** A card: its button holds just the name (the accessible name); a stretched hit area makes the whole card clickable. */
  #card(character) {
    const traits = character.personality?.traits ?? [];
    const descriptionId = `character-${character.id}-description`;
    const button = el("button", { type: "button", className: "character-pick", "aria-describedby": descriptionId }, character.name);
    button.addEventListener("click", async () => {
      button.disabled = true;
      this.#error.textContent = "";
      try {
        await this.#onPick(character);
      } catch (error) {
        this.#error.textContent = `The conversation could not be started: ${error.message}`;
      } finally {
        button.disabled = false;
      }
    });
    return el("li", { className: "character-card" },
      el("div", { className: "character-top" },
        avatar(character.id, character.name, "avatar-lg"),
        el("h2", { className: "character-name" }, button)),
      el("p", { className: "character-description", id: descriptionId }, character.description),
      el("p", { className: "traits" }, traits.slice(0, 3).map((trait) => el("span", { className: "trait" }, trait))),
      el("span", { className: "character-cta", "aria-hidden": "true" }, "Start chatting →"));
  }
}
