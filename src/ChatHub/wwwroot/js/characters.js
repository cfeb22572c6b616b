// Characters made by users: the catalogue (search, tags, "mine"), the editor (every card field, lorebook
// entries, avatar with preview), import (file picker or drop), export, reports and, for admins, moderation.
import { $, avatar, el, show } from "./dom.js";
import * as session from "./session.js";

/** The avatar as a data: URL (the page's CSP allows data: images), or null; fetched once per version. */
const avatarCache = new Map();
export function avatarUrl(character) {
  if (!character?.avatar) return Promise.resolve(null);
  if (!avatarCache.has(character.avatar)) {
    avatarCache.set(character.avatar, session.send("GET", character.avatar).then((r) => r.blob()).then(dataUrl).catch(() => null));
  }
  return avatarCache.get(character.avatar);
}

function dataUrl(blob) {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(reader.result);
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(blob);
  });
}

/** Puts the character's avatar image in place of the initials in <paramref name="holder"/> once it has loaded. */
export async function showAvatar(holder, character) {
  const url = await avatarUrl(character);
  if (url) holder.replaceChildren(el("img", { src: url, alt: "", className: "avatar-img" }));
}

/** The character's initials at once, its avatar image in their place once loaded (wherever the page shows a character). */
export function characterAvatar(character, size = "") {
  const face = avatar(character.id, character.name, size);
  showAvatar(face, character);
  return face;
}

const lines = (text) => text.split("\n").map((t) => t.trim()).filter(Boolean);
const list = (text) => text.split(",").map((t) => t.trim()).filter(Boolean);

export class Characters {
  #user;
  #onChange;
  #editing = null;
  #entries = [];
  #avatarFile = null;

  /** @param onChange (characters, next) => void: the catalogue's page, for the picker to show */
  constructor({ onChange }) {
    this.#onChange = onChange;
    $("#catalogue-form").addEventListener("submit", (e) => (e.preventDefault(), this.load()));
    $("#new-character").addEventListener("click", () => this.edit(null));
    $("#import-file").addEventListener("change", (e) => this.#import(e.target.files[0]));
    const drop = $("#import-drop");
    drop.addEventListener("dragover", (e) => (e.preventDefault(), drop.classList.add("dragging")));
    drop.addEventListener("dragleave", () => drop.classList.remove("dragging"));
    drop.addEventListener("drop", (e) => {
      e.preventDefault();
      drop.classList.remove("dragging");
      this.#import(e.dataTransfer.files[0]);
    });
    $("#editor-form").addEventListener("submit", (e) => (e.preventDefault(), this.#save()));
    $("#editor-cancel").addEventListener("click", () => $("#character-editor").close());
    $("#add-entry").addEventListener("click", () => (this.#entries.push({ keys: [], content: "", enabled: true, insertion_order: this.#entries.length, extensions: {} }), this.#renderEntries()));
    $("#editor-avatar").addEventListener("change", async (e) => {
      this.#avatarFile = e.target.files[0] ?? null;
      const preview = $("#avatar-preview");
      show(preview, Boolean(this.#avatarFile));
      if (this.#avatarFile) preview.src = await dataUrl(this.#avatarFile);
    });
    $("#reports-refresh").addEventListener("click", () => this.loadReports());
  }

  setUser(user) {
    this.#user = user;
    show($("#moderation"), user.role === "admin");
    if (user.role === "admin") this.loadReports();
  }

  canEdit(character) {
    return character.ownerId === this.#user?.id || this.#user?.role === "admin";
  }

  async load() {
    const query = new URLSearchParams();
    for (const [name, id] of [["query", "#catalogue-query"], ["tag", "#catalogue-tag"], ["sort", "#catalogue-sort"]]) {
      if ($(id).value.trim()) query.set(name, $(id).value.trim());
    }
    if ($("#catalogue-mine").checked) query.set("mine", "true");
    const characters = await session.api("GET", `/api/characters?${query}`);
    this.#onChange(characters);
    return characters;
  }

  status(text) {
    $("#catalogue-status").textContent = text;
  }

  async #import(file) {
    if (!file) return;
    const form = new FormData();
    form.append("file", file);
    try {
      const response = await session.send("POST", "/api/characters/import", form);
      const character = await response.json();
      this.status(`Imported ${character.name}.`);
      await this.load();
    } catch (error) {
      this.status(`The card could not be imported: ${error.message}`);
    } finally {
      $("#import-file").value = "";
    }
  }

  async export(character, format) {
    const blob = await (await session.send("GET", `/api/characters/${character.id}/export?format=${format}`)).blob();
    const link = el("a", { href: URL.createObjectURL(blob), download: `${character.name}.${format}` });
    document.body.append(link);
    link.click();
    link.remove();
  }

  async report(character) {
    const reason = prompt(`Why should ${character.name} be looked at by a moderator?`);
    if (!reason) return;
    try {
      await session.api("POST", `/api/characters/${character.id}/report`, { reason });
      this.status(`Thank you: ${character.name} was reported.`);
    } catch (error) {
      this.status(`The report was not sent: ${error.message}`);
    }
  }

  async remove(character) {
    await session.api("DELETE", `/api/characters/${character.id}`);
    this.status(`${character.name} was deleted.`);
    await this.load();
  }

  /** Opens the editor on a character, or on a new one when null. */
  edit(character) {
    this.#editing = character;
    const c = character ?? {};
    const form = $("#editor-form");
    const values = {
      name: c.name ?? "", description: c.description ?? "", visibility: c.visibility ?? "private",
      traits: (c.personality?.traits ?? []).join("\n"), knowledge: (c.personality?.knowledgeBase ?? []).join("\n"),
      temperature: c.aiSettings?.temperature ?? 0.8, maxTokens: c.aiSettings?.maxTokens ?? 500,
      scenario: c.scenario ?? "", greeting: c.greeting ?? "", alternateGreetings: (c.alternateGreetings ?? []).join("\n"),
      exampleDialogue: c.exampleDialogue ?? "", systemPrompt: c.systemPrompt ?? "", postHistoryInstructions: c.postHistoryInstructions ?? "",
      creatorNotes: c.creatorNotes ?? "", tags: (c.tags ?? []).join(", "), creator: c.creator ?? "", characterVersion: c.characterVersion ?? "",
    };
    for (const [name, value] of Object.entries(values)) form.elements[name].value = value;
    // Entries are edited in place, so keys this page does not show (extensions, ids, comments) stay as they were.
    this.#entries = structuredClone(c.lorebook?.entries ?? []);
    this.#avatarFile = null;
    form.elements.avatar.value = "";
    show($("#avatar-preview"), false);
    $("#editor-error").textContent = "";
    $("#editor-title").textContent = character ? `Edit ${character.name}` : "New character";
    this.#renderEntries();
    $("#character-editor").showModal();
  }

  #renderEntries() {
    $("#lore-entries").replaceChildren(...this.#entries.map((entry, i) => {
      const field = (label, input) => el("label", { className: "field" }, el("span", {}, label), input);
      const keys = el("input", { value: (entry.keys ?? []).join(", ") });
      keys.addEventListener("input", () => (entry.keys = list(keys.value)));
      const content = el("textarea", { value: entry.content ?? "", rows: 2 });
      content.addEventListener("input", () => (entry.content = content.value));
      const constant = el("input", { type: "checkbox", checked: Boolean(entry.constant) });
      constant.addEventListener("change", () => (entry.constant = constant.checked));
      const enabled = el("input", { type: "checkbox", checked: entry.enabled !== false });
      enabled.addEventListener("change", () => (entry.enabled = enabled.checked));
      const position = el("select", {}, el("option", { value: "after_char" }, "after the character"), el("option", { value: "before_char" }, "before the character"));
      position.value = entry.position === "before_char" ? "before_char" : "after_char";
      position.addEventListener("change", () => (entry.position = position.value));
      const removeButton = el("button", { type: "button", className: "btn-link" }, "Remove entry");
      removeButton.addEventListener("click", () => (this.#entries.splice(i, 1), this.#renderEntries()));
      return el("li", { className: "lore-entry" },
        field(`Entry ${i + 1} keys (comma-separated)`, keys), field(`Entry ${i + 1} content`, content),
        field("Always included", constant), field("Enabled", enabled), field("Position", position), removeButton);
    }));
  }

  async #save() {
    const f = $("#editor-form").elements;
    const c = this.#editing;
    const book = c?.lorebook ? { ...c.lorebook, entries: this.#entries } : this.#entries.length ? { entries: this.#entries } : null;
    const body = {
      name: f.name.value, description: f.description.value, visibility: f.visibility.value,
      personality: { traits: lines(f.traits.value), knowledgeBase: lines(f.knowledge.value) },
      aiSettings: { temperature: Number(f.temperature.value), maxTokens: Number(f.maxTokens.value) },
      scenario: f.scenario.value, greeting: f.greeting.value, alternateGreetings: lines(f.alternateGreetings.value),
      exampleDialogue: f.exampleDialogue.value, systemPrompt: f.systemPrompt.value, postHistoryInstructions: f.postHistoryInstructions.value,
      creatorNotes: f.creatorNotes.value, tags: list(f.tags.value), creator: f.creator.value, characterVersion: f.characterVersion.value,
      ...(book ? { lorebook: book } : {}),
    };
    try {
      const saved = c ? await session.api("PUT", `/api/characters/${c.id}`, body) : await session.api("POST", "/api/characters", body);
      if (this.#avatarFile) await session.send("PUT", `/api/characters/${saved.id}/avatar`, this.#avatarFile, { "content-type": this.#avatarFile.type || "application/octet-stream" });
      $("#character-editor").close();
      this.status(`${saved.name} was saved.`);
      await this.load();
    } catch (error) {
      $("#editor-error").textContent = error.message ?? String(error);
    }
  }

  async loadReports() {
    try {
      const page = await session.api("GET", "/api/admin/character-reports");
      $("#report-list").replaceChildren(...page.reports.map((report) => {
        const hide = el("button", { type: "button", className: "btn-link" }, "Hide");
        const unhide = el("button", { type: "button", className: "btn-link" }, "Unhide");
        hide.addEventListener("click", () => this.#moderate(report.characterId, "hide"));
        unhide.addEventListener("click", () => this.#moderate(report.characterId, "unhide"));
        return el("li", { className: "report" }, el("span", {}, `${report.characterId}: ${report.reason}`), hide, unhide);
      }));
    } catch (error) {
      $("#report-list").replaceChildren(el("li", {}, `The reports could not be loaded: ${error.message}`));
    }
  }

  async #moderate(characterId, action) {
    await session.api("POST", `/api/admin/characters/${characterId}/${action}`);
    this.status(action === "hide" ? "The character is hidden." : "The character is shown again.");
    await this.load();
  }
}
