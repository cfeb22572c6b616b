// CharacterChat's web page: wires the screens together and follows the address (#/ or #/c/{id}).
import { $, avatar, show } from "./dom.js";
import * as session from "./session.js";
import { connect } from "./connection.js";
import { AuthView, providerReturn } from "./auth.js";
import { ChatView } from "./chat.js";
import { Picker } from "./picker.js";
import { Characters } from "./characters.js";
import { Sidebar } from "./sidebar.js";

const CONVERSATION_ROUTE = /^#\/c\/([\w-]+)$/;
const TOAST_MS = 6000;

let hub = null;
let characters = new Map();

const auth = new AuthView({ onSignedIn: enter });
const picker = new Picker({ onPick: startConversation });
const studio = new Characters({
  onChange: (list) => {
    for (const c of list) characters.set(c.id, c);
    picker.render(list);
  },
});
picker.attach(studio);
const sidebar = new Sidebar({ onDelete: confirmDelete });
const chat = new ChatView({
  onActivity: (id) => sidebar.touch(id),
  onMissing: (message) => {
    toast(message);
    location.hash = "#/";
  },
});

$("#sign-out").addEventListener("click", async () => {
  await leave();
  await session.signOut();
  auth.open();
});
session.onEnded(async () => {
  await leave();
  auth.open("Your session has ended. Please sign in again.");
});
addEventListener("hashchange", () => hub && route());

boot();

async function boot() {
  const fromProvider = await providerReturn();
  const user = fromProvider?.user ?? (await session.restore());
  if (user) await enter(user);
  else {
    auth.open(fromProvider?.notice);
    if (fromProvider?.challenge) auth.askForCode(fromProvider.challenge);
  }
}

async function enter(user) {
  auth.close();
  show($("#app-view"));
  $("#user-avatar").replaceChildren(avatar(user.id, user.name));
  $("#user-name").textContent = user.name;
  $("#user-email").textContent = user.email;
  hub = connect({ onOffline: () => setOnline(false), onOnline: () => (setOnline(true), chat.resume()) });
  chat.listen(hub.connection);
  try {
    const [characterList, conversations] = await Promise.all([
      session.api("GET", "/api/characters"),
      session.api("GET", "/api/conversations"),
    ]);
    characters = new Map(characterList.map((c) => [c.id, c]));
    studio.setUser(user);
    picker.render(characterList);
    sidebar.set(conversations, characters);
  } catch (error) {
    if (session.user()) toast(`Your conversations could not be loaded: ${error.message}`);
    return;
  }
  await route();
}

async function leave() {
  const leaving = hub;
  hub = null;
  chat.forget();
  picker.close();
  show($("#app-view"), false);
  setOnline(true);
  await leaving?.connection.stop();
}

async function route() {
  const id = CONVERSATION_ROUTE.exec(location.hash)?.[1];
  const conversation = id && (sidebar.find(id) ?? (await reloadConversations(id)));
  if (id && !conversation) {
    toast("That conversation does not exist any more.");
    location.hash = "#/";
    return;
  }
  sidebar.select(conversation?.id ?? null);
  show($("#chat-header"), Boolean(conversation));
  show($("#topbar-brand"), !conversation);
  $("#topbar").classList.toggle("home", !conversation);
  if (!conversation) {
    chat.close();
    picker.open();
    $("#picker-title").focus();
    return;
  }
  picker.close();
  if (chat.conversationId !== conversation.id) {
    await chat.open(conversation, characters.get(conversation.characterId) ?? unknownCharacter(conversation), hub.ready);
  }
}

/** A conversation made in another tab is not in this tab's list yet. */
async function reloadConversations(id) {
  sidebar.set(await session.api("GET", "/api/conversations"), characters);
  return sidebar.find(id);
}

async function startConversation(character) {
  const conversation = await session.api("POST", "/api/conversations", { characterId: character.id });
  sidebar.add(conversation);
  location.hash = `#/c/${conversation.id}`;
}

function confirmDelete(conversation, character) {
  const dialog = $("#confirm-dialog");
  $("#confirm-text").textContent = `Your conversation with ${character.name} and all its messages will be deleted. This cannot be undone.`;
  dialog.returnValue = "";
  dialog.addEventListener("close", async () => {
    if (dialog.returnValue !== "confirm") return;
    try {
      await session.api("DELETE", `/api/conversations/${encodeURIComponent(conversation.id)}`);
    } catch (error) {
      if (error.status !== 404) {
        toast(`The conversation could not be deleted: ${error.message}`);
        return;
      }
    }
    sidebar.remove(conversation.id);
    if (chat.conversationId === conversation.id) location.hash = "#/";
    $("#new-chat").focus();
  }, { once: true });
  dialog.showModal();
}

function setOnline(online) {
  show($("#offline-banner"), !online);
}

function toast(message) {
  const node = $("#toast");
  node.textContent = message;
  show(node);
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => show(node, false), TOAST_MS);
}

function unknownCharacter(conversation) {
  return { id: conversation.characterId, name: "Unknown character", description: "This character is no longer available.", personality: null };
}
