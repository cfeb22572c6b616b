// The home screen: pick a character to start a conversation with.
import { $, avatar, el, show } from "./dom.js";
import { showAvatar } from "./characters.js";

export class Picker {
  #root = $("#picker-view");
  #list = $("#character-list");
  #error = $("#picker-error");
  #onPick;
  #studio;

  /** @param onPick (character) => Promise: starts a conversation; its error is shown here */
  constructor({ onPick }) {
    this.#onPick = onPick;
  }

  /** The characters module: edit, export, report and delete buttons on each card. */
  attach(studio) {
    this.#studio = studio;
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
    const face = el("span", { className: "avatar-holder" }, avatar(character.id, character.name, "avatar-lg"));
    showAvatar(face, character);
    return el("li", { className: "character-card", "data-id": character.id },
      el("div", { className: "character-top" },
        face,
        el("h2", { className: "character-name" }, button)),
      el("p", { className: "character-description", id: descriptionId }, character.description),
      el("p", { className: "traits" }, [...(character.tags ?? []), ...traits].slice(0, 4).map((trait) => el("span", { className: "trait" }, trait))),
      el("span", { className: "character-cta", "aria-hidden": "true" }, "Start chatting →"),
      this.#actions(character));
  }

  #actions(character) {
    if (!this.#studio) return null;
    const action = (label, run) => {
      const b = el("button", { type: "button", className: "btn-link", "aria-label": `${label} ${character.name}` }, label);
      b.addEventListener("click", () => run().catch((error) => this.#studio.status(error.message)));
      return b;
    };
    return el("div", { className: "character-actions" },
      this.#studio.canEdit(character) ? action("Edit", async () => this.#studio.edit(character)) : null,
      action("Export PNG", () => this.#studio.export(character, "png")),
      action("Export JSON", () => this.#studio.export(character, "json")),
      character.ownerId !== null && !this.#studio.canEdit(character) ? action("Report", () => this.#studio.report(character)) : null,
      this.#studio.canEdit(character) && character.ownerId !== null ? action("Delete", () => this.#studio.remove(character)) : null);
  }
}
