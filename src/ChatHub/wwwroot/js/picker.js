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

  #card(character) {
    const traits = character.personality?.traits ?? [];
    const ids = { name: `character-${character.id}-name`, description: `character-${character.id}-description` };
    const button = el("button", { type: "button", className: "character-card", "aria-labelledby": ids.name, "aria-describedby": ids.description },
      el("span", { className: "character-top" },
        avatar(character.id, character.name, "avatar-lg"),
        el("span", { className: "character-name", id: ids.name }, character.name)),
      el("span", { className: "character-description", id: ids.description }, character.description),
      el("span", { className: "traits" }, traits.slice(0, 3).map((trait) => el("span", { className: "trait" }, trait))),
      el("span", { className: "character-cta", "aria-hidden": "true" }, "Start chatting →"));
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
    return el("li", {}, button);
  }
}
