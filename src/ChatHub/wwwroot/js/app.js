// CharacterChat's web page: wires the screens together and follows the address: the chat's (#/ or #/c/{id}),
// the page's own paths (/settings…, /admin) and the mailed links' (/reset-password, /delete-account).
import { $, avatar, show } from "./dom.js";
import * as session from "./session.js";
import { connect } from "./connection.js";
import { AuthView, providerReturn } from "./auth.js";
import { ChatView } from "./chat.js";
import { Picker } from "./picker.js";
import { Characters } from "./characters.js";
import { Sidebar } from "./sidebar.js";
import { ConversationSearch } from "./conversation-search.js";
import { ConversationFiles } from "./conversation-files.js";
import { MemoryPanel } from "./memory.js";
import { AccountLinks } from "./account-links.js";
import { Settings } from "./settings.js";
import { Admin } from "./admin.js";
import { navigate, onNavigate } from "./nav.js";
import { askTitle, confirmDelete } from "./dialogs.js";

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
const sidebar = new Sidebar({ onDelete: deleteConversation, onRename: renameConversation });
const search = new ConversationSearch();
const openConversation = () => sidebar.find(chat.conversationId) ?? null;
const memory = new MemoryPanel({ current: openConversation });
const files = new ConversationFiles({
  current: openConversation,
  onImported: (conversation) => {
    sidebar.add(conversation);
    location.hash = `#/c/${conversation.id}`;
  },
});
const accountLinks = new AccountLinks();
const settings = new Settings({ onUserChanged: showUser });
const admin = new Admin();
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
// Why a session ended, as the hub's SessionEnded says; an unknown reason gets the general notice.
const ENDED_BECAUSE = {
  "signed-out": "this session was signed out",
  "password-changed": "your password was changed",
  "account-deleted": "your account was deleted",
  "session-revoked": "this session was ended from another device, or its sign-in was used twice",
};

session.onEnded(async (reason) => {
  await leave();
  auth.open(ENDED_BECAUSE[reason]
    ? `You were signed out because ${ENDED_BECAUSE[reason]}. Please sign in again.`
    : "Your session has ended. Please sign in again.");
});
addEventListener("hashchange", () => hub && route());
onNavigate(() => hub && route());

boot();

async function boot() {
  if (accountLinks.owns(location.pathname)) {
    accountLinks.open();
    return;
  }
  // Settings reads the answer of linking a provider itself.
  const fromProvider = settings.owns(location.pathname) ? null : await providerReturn();
  const hadSession = session.hasStoredSession();
  const user = fromProvider?.user ?? (await session.restore());
  if (user) await enter(user);
  else {
    // A stored session the server no longer honours: say so rather than show a bare form.
    auth.open(fromProvider?.notice ?? (hadSession ? "Your session has ended (signed out, or the password changed). Please sign in again." : undefined));
    if (fromProvider?.challenge) auth.askForCode(fromProvider.challenge);
  }
}

async function enter(user) {
  auth.close();
  show($("#app-view"));
  showUser(user);
  hub = connect({ onOffline: () => setOnline(false), onOnline: () => (setOnline(true), chat.resume()) });
  chat.listen(hub.connection);
  hub.connection.on("ConversationUpdated", ({ conversation }) => sidebar.update(conversation));
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
  search.clear();
  picker.close();
  settings.close();
  admin.close();
  show($("#app-view"), false);
  setOnline(true);
  await leaving?.connection.stop();
}

function showUser(user) {
  $("#user-avatar").replaceChildren(avatar(user.id, user.name));
  $("#user-name").textContent = user.name;
  $("#user-email").textContent = user.email;
  show($("#admin-link"), user.role === "admin");
}

async function route() {
  // A conversation link followed from another of the page's paths: the chat lives at /.
  if (location.pathname !== "/" && location.hash.startsWith("#/")) history.replaceState(null, "", `/${location.hash}`);
  const path = location.pathname;
  const page = settings.owns(path) ? settings : admin.owns(path) ? admin : null;
  if (page === admin && session.user()?.role !== "admin") {
    toast("That page is for admins.");
    navigate("/", { replace: true });
    return;
  }
  if (page === settings) $("#user-link").setAttribute("aria-current", "page");
  else $("#user-link").removeAttribute("aria-current");
  if (page) {
    chat.close();
    picker.close();
    sidebar.select(null);
    show($("#chat-header"), false);
    show($("#topbar-brand"));
    $("#topbar").classList.add("home");
    (page === settings ? admin : settings).close();
    await page.open(path);
    return;
  }
  settings.close();
  admin.close();
  files.clearError();
  memory.close();
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

async function deleteConversation(conversation, character) {
  const confirmed = await confirmDelete({
    title: "Delete this conversation?",
    text: `Your conversation with ${character.name} and all its messages will be deleted. This cannot be undone.`,
  });
  if (!confirmed) return;
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
}

/** The title is checked by the server; its reason stays in the dialog. Other devices hear of it as ConversationUpdated. */
async function renameConversation(conversation) {
  await askTitle(conversation.title, async (title) => {
    sidebar.update(await session.api("PATCH", `/api/conversations/${encodeURIComponent(conversation.id)}`, { title }));
  });
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
