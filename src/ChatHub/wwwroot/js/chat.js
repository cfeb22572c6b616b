// One open conversation: its messages, the reply streaming into it, the composer and the outbox.
import { $, ICONS, el, icon, newId, show } from "./dom.js";
import { characterAvatar } from "./characters.js";
import { renderMarkdown } from "./markdown.js";
import { refusal } from "./connection.js";
import * as session from "./session.js";
import { confirmDelete } from "./dialogs.js";

const PAGE_SIZE = 50;
const NEAR_TOP_PX = 120;
const NEAR_BOTTOM_PX = 80;
const HUB_EVENTS = ["MessageAppended", "ReplyStarted", "ReplyDelta", "ReplyCompleted", "ReplyFailed", "MessageEdited", "MessagesDeleted", "BranchSelected"];
const OFFLINE = "You are offline, so that could not be done. Try again once you are back.";

const STATUS_TEXT = {
  sending: "Sending…",
  unsent: "Not sent yet: it goes out when you are back online.",
  stopped: "Stopped",
  failed: "The reply failed",
};

/**
 * An entry is one message on screen: { key, id, sender, text, timestamp, status, seq, error,
 * clientMessageId, conversationId, parentId, siblingIndex, siblingCount, edited, editing, node }.
 * A stored message's key is its id (a reply's id is its replyId); a message still being sent is
 * keyed by its clientMessageId. The entries are the active branch: each follows the one before.
 */
const fromDto = (m) => ({
  key: m.id, id: m.id, sender: m.sender, text: m.message, timestamp: m.timestamp, status: m.status ?? null, clientMessageId: m.clientMessageId,
  parentId: m.parentId ?? null, siblingIndex: m.siblingIndex ?? 0, siblingCount: m.siblingCount ?? 1, edited: m.edited === true,
});

export class ChatView {
  #hub;
  #onActivity;
  #onMissing;
  #conversation = null;
  #character = null;
  #entries = [];
  #watching = null; // { buffer: [[event, payload]] } while a snapshot is on its way
  // Ids of the open conversation's messages deleted while it is open. Ids are never reused, so whatever
  // arrives about one later (a snapshot or page read before the delete, an event sent before it) is stale.
  #deleted = new Set();
  #hasMore = false;
  #loadingOlder = false;
  #swiping = false; // a SelectBranch of this page is on its way: its BranchSelected needs no re-read
  // Messages not yet confirmed by the server, of every conversation: resent with the same clientMessageId.
  #outbox = new Set();

  #root = $("#chat-view");
  #scroller = $("#messages");
  #list = $("#message-list");
  #history = $("#history-status");
  #empty = $("#chat-empty");
  #input = $("#message-input");
  #stop = $("#stop-button");
  #error = $("#composer-error");
  #status = $("#chat-status");

  /**
   * @param onActivity (conversationId) => void: a conversation got a new message
   * @param onMissing (message) => void: the open conversation does not exist (deleted, or not ours)
   */
  constructor({ onActivity, onMissing }) {
    this.#onActivity = onActivity;
    this.#onMissing = onMissing;
    $("#composer").addEventListener("submit", (event) => {
      event.preventDefault();
      this.#submit();
    });
    this.#input.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        this.#submit();
      }
    });
    this.#input.addEventListener("input", () => this.#fitInput());
    this.#stop.addEventListener("click", () => this.#stopReply());
    // Escape stops the reply being written, wherever the focus is in the chat (an open editor takes its own Escape).
    this.#root.addEventListener("keydown", (event) => {
      if (event.key === "Escape" && this.#active()) {
        event.preventDefault();
        this.#stopReply();
      }
    });
    this.#scroller.addEventListener("scroll", () => {
      if (this.#scroller.scrollTop < NEAR_TOP_PX) this.#loadOlder();
    });
  }

  get conversationId() {
    return this.#conversation?.id ?? null;
  }

  /** Routes the hub's events to this view; call once per connection. */
  listen(hub) {
    this.#hub = hub;
    for (const name of HUB_EVENTS) hub.on(name, (payload) => this.#receive(name, payload));
  }

  async open(conversation, character, ready) {
    this.#conversation = conversation;
    this.#character = character;
    this.#watching = null;
    this.#deleted = new Set();
    this.#entries = [];
    this.#hasMore = false;
    this.#list.replaceChildren();
    this.#clearError();
    this.#renderHeader();
    show(this.#root);
    show(this.#empty, false);
    this.#history.textContent = "Loading messages…";
    this.#input.focus();
    await ready;
    await this.#watch();
  }

  close() {
    this.#conversation = null;
    this.#watching = null;
    show(this.#root, false);
  }

  /** Signed out: unsent messages belong to the session that wrote them. */
  forget() {
    this.close();
    this.#outbox.clear();
  }

  /** Back online: catch up on the open conversation, then send what could not be sent. */
  async resume() {
    if (this.#conversation) await this.#watch();
    for (const entry of [...this.#outbox]) await this.#deliver(entry);
  }

  /**
   * Joins the conversation's audience and shows where it stands. Events that arrive while the
   * snapshot is on its way wait and are applied after it, so a delta is never lost or doubled.
   */
  async #watch() {
    const id = this.conversationId;
    const watching = { buffer: [] };
    this.#watching = watching;
    try {
      const snapshot = await this.#hub.invoke("WatchConversation", id);
      if (this.#watching === watching && id === this.conversationId) this.#applySnapshot(snapshot);
    } catch (error) {
      const reason = refusal(error);
      if (reason !== null && this.#watching === watching) this.#onMissing(reason);
      // Otherwise offline: resume() watches again once the connection is back.
    } finally {
      if (this.#watching === watching) {
        this.#watching = null;
        for (const [name, payload] of watching.buffer) this.#receive(name, payload);
      }
    }
  }

  #receive(name, payload) {
    if (name === "MessageAppended" || name === "ReplyCompleted") this.#onActivity(payload.conversationId);
    if (payload.conversationId !== this.conversationId || this.#deleted.has(payload.replyId ?? payload.message?.id)) return;
    if (this.#watching) this.#watching.buffer.push([name, payload]);
    else this[`on${name}`](payload);
  }

  /** A message from another device: an edited user message starts a new branch after its parent. */
  onMessageAppended({ message }) {
    if (this.#find(message.id) || this.#entries.some((e) => e.clientMessageId && e.clientMessageId === message.clientMessageId)) return;
    this.#cutAfter(message.parentId);
    this.#append(fromDto(message));
  }

  /** A new reply (which replaces what followed the message it answers), or a reply being continued. */
  onReplyStarted({ replyId, inReplyTo }) {
    const continued = this.#find(replyId);
    if (continued) {
      if (continued.status === "streaming") return;
      Object.assign(continued, { status: "streaming", seq: -1, error: null });
      this.#paint(continued);
      this.#updateStop();
      return;
    }
    this.#replyAfter(inReplyTo, replyId);
  }

  onReplyDelta({ replyId, seq, text }) {
    const entry = this.#find(replyId) ?? (seq === 0 ? this.#ensureReply(replyId) : null);
    if (entry?.status === "streaming" && seq <= entry.seq) return;
    if (!entry || entry.status !== "streaming" || seq !== entry.seq + 1) {
      // A gap (or a reply this page never saw start): the snapshot has the text so far.
      if (entry?.status === "streaming" || !entry) this.#watch();
      return;
    }
    entry.seq = seq;
    entry.text += text;
    this.#paint(entry);
  }

  onReplyCompleted({ replyId, message }) {
    const entry = this.#ensureReply(replyId);
    Object.assign(entry, fromDto(message), { status: message.status ?? "complete" });
    this.#paint(entry);
    this.#updateStop();
  }

  onReplyFailed({ replyId, error, partialText }) {
    const entry = this.#ensureReply(replyId);
    Object.assign(entry, { text: partialText, status: "failed", error });
    this.#paint(entry);
    this.#updateStop();
  }

  onMessageEdited({ message }) {
    const entry = this.#find(message.id);
    if (!entry || entry.status === "streaming") return;
    Object.assign(entry, fromDto(message));
    this.#paint(entry);
  }

  onMessagesDeleted({ messageIds }) {
    for (const id of messageIds) this.#deleted.add(id);
    for (const entry of this.#entries.filter((e) => this.#deleted.has(e.id))) this.#remove(entry);
    this.#updateStop();
  }

  /** Another device swiped, or a delete moved the leaf: the branch is read again unless it already ends there. */
  onBranchSelected({ leafId }) {
    if (this.#swiping || this.#stored().at(-1)?.id === leafId) return;
    this.#watch();
  }

  /**
   * Shows the branch the snapshot holds. One read before a delete this page has already heard of (a swipe's answer
   * can be) ends where the deleted part began, and the branch is read again: the delete moved the leaf.
   */
  #applySnapshot(snapshot) {
    const cut = snapshot.messages.findIndex((m) => this.#deleted.has(m.id));
    const messages = cut < 0 ? snapshot.messages : snapshot.messages.slice(0, cut);
    const activeReply = snapshot.activeReply && !this.#deleted.has(snapshot.activeReply.replyId) ? snapshot.activeReply : null;
    const first = messages[0];
    const byClientId = new Set(messages.map((m) => m.clientMessageId).filter(Boolean));
    // Older pages loaded before stay when the snapshot's branch goes on from them; the snapshot replaces the rest.
    const joint = first?.parentId ? this.#entries.findIndex((e) => e.id === first.parentId) : -1;
    const older = joint < 0 ? [] : this.#entries.slice(0, joint + 1).filter((e) => e.id && e.status !== "streaming");
    const pending = [...this.#outbox].filter((e) => e.conversationId === this.conversationId && !byClientId.has(e.clientMessageId));
    const entries = [...older, ...messages.map(fromDto)];
    // A reply being continued is a stored message: it streams in its place.
    const continued = activeReply && entries.find((e) => e.id === activeReply.replyId);
    if (continued) Object.assign(continued, { text: activeReply.text, seq: activeReply.seq, status: "streaming" });
    else if (activeReply) entries.push(this.#streaming(activeReply.replyId, activeReply.text, activeReply.seq));
    entries.push(...pending);

    const atBottom = this.#isAtBottom() || this.#entries.length === 0;
    if (older.length === 0) this.#hasMore = Boolean(first?.parentId);
    this.#entries = entries;
    this.#list.replaceChildren(...entries.map((e) => this.#node(e)));
    this.#updateStop();
    this.#updateHistory();
    if (atBottom) this.#scrollToBottom();
    // A short first page does not scroll, so no scroll event would ask for more.
    if (this.#scroller.scrollHeight <= this.#scroller.clientHeight) this.#loadOlder();
    if (cut >= 0) this.#watch();
  }

  async #loadOlder() {
    const first = this.#entries.find((e) => e.id && e.status !== "streaming");
    if (!this.#hasMore || this.#loadingOlder || !first) return;
    const id = this.conversationId;
    this.#loadingOlder = true;
    this.#history.textContent = "Loading earlier messages…";
    try {
      const page = await session.api("GET", `/api/conversations/${encodeURIComponent(id)}/messages?limit=${PAGE_SIZE}&before=${encodeURIComponent(first.id)}`);
      if (id !== this.conversationId) return;
      const older = page.messages.filter((m) => !this.#find(m.id) && !this.#deleted.has(m.id)).map(fromDto);
      const fromBottom = this.#scroller.scrollHeight - this.#scroller.scrollTop;
      this.#entries.unshift(...older);
      this.#list.prepend(...older.map((e) => this.#node(e)));
      this.#scroller.scrollTop = this.#scroller.scrollHeight - fromBottom;
      this.#hasMore = page.hasMore;
    } catch {
      this.#history.textContent = "Earlier messages could not be loaded. Scroll up to try again.";
      return;
    } finally {
      this.#loadingOlder = false;
    }
    this.#updateHistory();
  }

  #updateHistory() {
    this.#history.textContent = this.#hasMore || this.#entries.length === 0 ? "" : "This is the start of your conversation.";
    show(this.#empty, this.#entries.length === 0);
  }

  async #submit(text = this.#input.value) {
    if (!text.trim() || !this.#conversation) return;
    this.#clearError();
    const clientMessageId = newId();
    // It goes after the branch's last message, as its only alternative so far.
    const entry = {
      key: clientMessageId, clientMessageId, conversationId: this.conversationId, sender: "user", text, status: "sending",
      parentId: this.#stored().at(-1)?.id ?? null, siblingIndex: 0, siblingCount: 1,
    };
    this.#outbox.add(entry);
    this.#append(entry);
    if (text === this.#input.value) {
      this.#input.value = "";
      this.#fitInput();
    }
    await this.#deliver(entry);
  }

  /** Sends (or resends, with the same clientMessageId) one message of the outbox. */
  async #deliver(entry) {
    entry.status = "sending";
    this.#paint(entry);
    try {
      const result = await this.#hub.invoke("SendMessage", {
        conversationId: entry.conversationId,
        message: entry.text,
        clientMessageId: entry.clientMessageId,
      });
      this.#outbox.delete(entry);
      Object.assign(entry, { id: result.userMessageId, status: null, timestamp: new Date().toISOString() });
      this.#paint(entry);
      this.#onActivity(entry.conversationId);
      if (entry.conversationId === this.conversationId) this.#ensureReply(result.replyId);
    } catch (error) {
      const reason = refusal(error);
      if (reason === null) {
        entry.status = "unsent";
        this.#paint(entry);
        return;
      }
      // Refused: nothing was stored. Give the text back so it can be changed and sent again.
      this.#outbox.delete(entry);
      this.#remove(entry);
      if (entry.conversationId !== this.conversationId) return;
      this.#showError(reason, /budget/i.test(reason) ? { href: "/settings/usage", text: "See your usage" } : null);
      if (!this.#input.value) {
        this.#input.value = entry.text;
        this.#fitInput();
      }
    }
  }

  async #stopReply() {
    const active = this.#active();
    if (!active) return;
    this.#stop.disabled = true;
    try {
      await this.#hub.invoke("StopReply", active.id);
    } catch (error) {
      // "No reply in progress" means it just finished: nothing to tell.
      if (refusal(error) === null) this.#showError("You are offline, so the reply could not be stopped.");
    } finally {
      this.#stop.disabled = false;
    }
  }

  /** Writes a new reply to the reply's user message; the old one becomes its alternative. */
  async #regenerate(entry) {
    await this.#act(async () => {
      const { replyId } = await this.#hub.invoke("RegenerateReply", { conversationId: this.conversationId, replyId: entry.id, clientRequestId: newId() });
      if (!this.#find(replyId)) this.#replyAfter(entry.parentId, replyId);
    });
  }

  /** The character goes on writing the reply: it streams again in its place (ReplyStarted says so). */
  async #continue(entry) {
    await this.#act(() => this.#hub.invoke("ContinueReply", { conversationId: this.conversationId, replyId: entry.id, clientRequestId: newId() }));
  }

  /** Shows the alternative before (step -1) or after (+1) the message, round from the last to the first, and the branch through it. */
  async #swipe(entry, step) {
    const id = this.conversationId;
    await this.#act(async () => {
      const alternatives = await session.api("GET", `/api/conversations/${encodeURIComponent(id)}/messages/${encodeURIComponent(entry.id)}/alternatives`);
      const target = alternatives[(alternatives.findIndex((m) => m.id === entry.id) + step + alternatives.length) % alternatives.length];
      if (!target || id !== this.conversationId) return;
      this.#swiping = true;
      try {
        const snapshot = await this.#hub.invoke("SelectBranch", { conversationId: id, messageId: target.id });
        if (id === this.conversationId) this.#applySnapshot(snapshot);
      } finally {
        this.#swiping = false;
      }
      // The arrow pressed keeps the focus, on the alternative now shown.
      this.#find(target.id)?.node.querySelector(step < 0 ? ".sibling-prev" : ".sibling-next")?.focus();
    });
  }

  async #copy(entry) {
    this.#status.textContent = "";
    try {
      await navigator.clipboard.writeText(entry.text);
      this.#status.textContent = "Copied.";
    } catch {
      this.#showError("This browser did not allow copying: select the text instead.");
    }
  }

  async #delete(entry) {
    const confirmed = await confirmDelete({
      title: "Delete this message?",
      text: "It and everything after it on this branch will be deleted. Its alternatives stay. This cannot be undone.",
    });
    if (!confirmed) return;
    // MessagesDeleted (and BranchSelected when the branch moved) tell every page, this one too.
    await this.#act(() => this.#hub.invoke("DeleteMessage", { conversationId: this.conversationId, messageId: entry.id }));
    if (!entry.node.isConnected) this.#scroller.focus();
  }

  /** Turns the message into a text box: Enter saves, Shift+Enter makes a new line, Escape cancels. */
  #startEdit(entry) {
    if (entry.editing) return;
    entry.editing = true;
    const box = el("textarea", { className: "edit-input", rows: 3, "aria-label": "Edit message" });
    box.value = entry.text;
    const done = (text) => {
      entry.editing = false;
      this.#paint(entry);
      entry.node.querySelector(".msg-edit")?.focus();
      if (text !== null && text.trim() && text !== entry.text) this.#saveEdit(entry, text);
    };
    box.addEventListener("keydown", (event) => {
      if (event.key === "Escape") {
        event.preventDefault();
        event.stopPropagation();
        done(null);
      } else if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        done(box.value);
      }
    });
    const form = el("form", { className: "edit-form", onsubmit: (event) => { event.preventDefault(); done(box.value); } },
      box,
      el("div", { className: "edit-actions" },
        el("button", { type: "button", className: "btn btn-ghost btn-sm", onclick: () => done(null) }, "Cancel"),
        el("button", { type: "submit", className: "btn btn-primary btn-sm" }, entry.sender === "user" ? "Save and send" : "Save")));
    entry.node.querySelector(".content").replaceChildren(form);
    show(entry.node.querySelector(".msg-actions"), false);
    box.focus();
  }

  /**
   * A character's message is changed in place (MessageEdited tells every page). A user message gets a
   * new alternative with the text, which becomes the branch shown and gets a reply.
   */
  async #saveEdit(entry, text) {
    const conversationId = this.conversationId;
    const clientMessageId = newId();
    if (entry.sender !== "user") {
      await this.#act(async () => {
        await this.#hub.invoke("EditMessage", { conversationId, messageId: entry.id, message: text, clientMessageId });
        Object.assign(entry, { text, edited: true });
        this.#paint(entry);
      });
      return;
    }
    this.#cutFrom(this.#entries.indexOf(entry));
    const sent = {
      key: clientMessageId, clientMessageId, conversationId, sender: "user", text, status: "sending",
      parentId: entry.parentId, siblingIndex: entry.siblingCount, siblingCount: entry.siblingCount + 1,
    };
    this.#append(sent);
    const done = await this.#act(async () => {
      const result = await this.#hub.invoke("EditMessage", { conversationId, messageId: entry.id, message: text, clientMessageId });
      Object.assign(sent, { id: result.userMessageId, status: null, timestamp: new Date().toISOString() });
      this.#paint(sent);
      this.#onActivity(conversationId);
      if (conversationId === this.conversationId) this.#ensureReply(result.replyId);
    });
    // Refused or offline: nothing changed, and the branch as stored is shown again.
    if (!done && conversationId === this.conversationId) {
      this.#remove(sent);
      await this.#watch();
    }
  }

  /** Runs a call on a message; a refusal (or being offline) is shown above the composer. Resolves true when it went through. */
  async #act(call) {
    this.#clearError();
    try {
      await call();
      return true;
    } catch (error) {
      this.#showError(error.status ? error.message : refusal(error) ?? OFFLINE);
      return false;
    }
  }

  #active = () => this.#entries.find((e) => e.status === "streaming");

  #stored = () => this.#entries.filter((e) => e.id && e.status !== "sending" && e.status !== "unsent");

  /** Removes the stored messages after the parent (all of them for none): a new alternative takes their place. */
  #cutAfter(parentId) {
    const at = parentId ? this.#entries.findIndex((e) => e.id === parentId) : -1;
    return parentId && at < 0 ? [] : this.#cutFrom(at + 1);
  }

  #cutFrom(index) {
    const cut = this.#entries.slice(index).filter((e) => e.id && !this.#outbox.has(e));
    for (const entry of cut) this.#remove(entry);
    return cut;
  }

  /** A new reply to the message: it replaces the reply shown there, as that one's newest alternative. */
  #replyAfter(inReplyTo, replyId) {
    const replaced = this.#cutAfter(inReplyTo).find((e) => e.parentId === inReplyTo);
    const entry = this.#ensureReply(replyId);
    entry.parentId = inReplyTo;
    if (replaced) Object.assign(entry, { siblingIndex: replaced.siblingCount, siblingCount: replaced.siblingCount + 1 });
    this.#paint(entry);
    return entry;
  }

  #find = (id) => this.#entries.find((e) => e.id === id);

  #streaming = (replyId, text = "", seq = -1) => ({ key: replyId, id: replyId, sender: "ai", text, seq, status: "streaming" });

  #ensureReply(replyId) {
    const existing = this.#find(replyId);
    if (existing) return existing;
    const entry = this.#streaming(replyId);
    this.#append(entry);
    this.#updateStop();
    return entry;
  }

  #append(entry) {
    const stick = this.#isAtBottom() || entry.sender === "user";
    this.#entries.push(entry);
    this.#list.append(this.#node(entry));
    show(this.#empty, false);
    if (stick) this.#scrollToBottom();
  }

  #remove(entry) {
    this.#entries = this.#entries.filter((e) => e !== entry);
    entry.node?.remove();
    this.#updateHistory();
  }

  /** The entry's list item, made once and repainted in place. */
  #node(entry) {
    entry.node ??= el("li", { className: `msg msg-${entry.sender === "user" ? "user" : "ai"}` },
      entry.sender === "user" ? null : characterAvatar(this.#character),
      el("div", { className: "msg-body" },
        el("div", { className: "bubble" }, el("div", { className: "content" })),
        el("p", { className: "msg-meta" }),
        this.#actions(entry)));
    this.#paint(entry);
    return entry.node;
  }

  /**
   * The message's controls: its alternatives ("2 / 3" between arrows), and edit and delete; on the latest
   * reply also regenerate and continue. What would start a reply waits while one is written.
   */
  #actions(entry) {
    const reply = entry.sender !== "user";
    const busy = Boolean(this.#active());
    const button = (className, label, path, onclick, waits = true) =>
      el("button", { type: "button", className: `${className} icon-btn${waits ? " waits" : ""}`, "aria-label": label, title: label, disabled: waits && busy, onclick }, icon(path));
    return el("div", { className: "msg-actions", role: "group", "aria-label": reply ? "Reply actions" : "Message actions" },
      el("time", { className: "msg-time" }),
      el("span", { className: "siblings" },
        button("sibling-prev", "Previous alternative", ICONS.previous, () => this.#swipe(entry, -1)),
        el("span", { className: "visually-hidden" }, "Alternative "),
        el("span", { className: "sibling-count" }),
        button("sibling-next", "Next alternative", ICONS.next, () => this.#swipe(entry, 1))),
      reply ? button("msg-regenerate latest-only", "Regenerate reply", ICONS.regenerate, () => this.#regenerate(entry)) : null,
      reply ? button("msg-continue latest-only", "Continue reply", ICONS.more, () => this.#continue(entry)) : null,
      button("msg-copy", "Copy message", ICONS.copy, () => this.#copy(entry), false),
      button("msg-edit", "Edit message", ICONS.pencil, () => this.#startEdit(entry), !reply),
      button("msg-delete", "Delete message and what follows", ICONS.trash, () => this.#delete(entry), false));
  }

  #paint(entry) {
    const node = entry.node;
    if (!node) return;
    const stick = this.#isAtBottom();
    const streaming = entry.status === "streaming";
    node.dataset.status = entry.status ?? "";
    if (entry.id) node.dataset.id = entry.id;
    node.setAttribute("aria-busy", streaming ? "true" : "false");
    node.classList.toggle("greeting", entry.sender !== "user" && Boolean(entry.id) && !entry.parentId);
    const content = node.querySelector(".content");
    // Users' words are shown as typed; the character's are Markdown, rendered as safe DOM nodes. An open editor stays.
    if (entry.editing) return;
    if (entry.sender === "user") content.textContent = entry.text;
    else if (streaming && !entry.text) content.replaceChildren(typingDots());
    else content.replaceChildren(renderMarkdown(entry.text));
    const meta = node.querySelector(".msg-meta");
    const status = [STATUS_TEXT[entry.status], entry.error].filter(Boolean).join(": ");
    meta.textContent = [status, entry.edited ? "edited" : null].filter(Boolean).join(" · ");
    show(meta, meta.textContent !== "");
    // A message not stored yet, or still being written, has no controls.
    show(node.querySelector(".msg-actions"), Boolean(entry.id) && !streaming && entry.status !== "sending" && entry.status !== "unsent");
    const count = entry.siblingCount ?? 1;
    show(node.querySelector(".siblings"), count > 1);
    node.querySelector(".sibling-count").textContent = `${(entry.siblingIndex ?? 0) + 1} / ${count}`;
    const time = node.querySelector(".msg-time");
    time.dateTime = entry.timestamp ?? "";
    time.textContent = entry.timestamp ? clockTime(entry.timestamp) : "";
    if (stick) this.#scrollToBottom();
  }

  /** While a reply is written: Stop shows, and what would start another (or cut its branch) waits. */
  #updateStop() {
    const busy = Boolean(this.#active());
    show(this.#stop, busy);
    for (const button of this.#list.querySelectorAll(".waits")) button.disabled = busy;
  }

  #renderHeader() {
    const { name, description } = this.#character;
    $("#chat-avatar").replaceChildren(characterAvatar(this.#character, "avatar-md"));
    $("#chat-title").textContent = name;
    $("#chat-description").textContent = description;
    $("#empty-avatar").replaceChildren(characterAvatar(this.#character, "avatar-xl"));
    $("#empty-title").textContent = `Start talking with ${name}`;
    $("#empty-description").replaceChildren(renderMarkdown(description));
    $("#starters").replaceChildren(...starters(this.#character).map((text) =>
      el("li", {}, el("button", { type: "button", className: "chip", onclick: () => this.#submit(text) }, text))));
    this.#input.placeholder = `Message ${name}…`;
    document.title = `${name} · CharacterChat`;
  }

  /** @param link { href, text } shown after the message, e.g. where a budget that ran out is explained */
  #showError(message, link = null) {
    this.#error.replaceChildren(message, link ? " " : "", link ? el("a", { href: link.href, "data-nav": true }, link.text) : "");
    this.#error.classList.toggle("budget-reached", link !== null);
    show(this.#error);
  }

  #clearError() {
    this.#error.textContent = "";
    show(this.#error, false);
  }

  #fitInput() {
    this.#input.style.height = "auto";
    this.#input.style.height = `${Math.min(this.#input.scrollHeight, 200)}px`;
  }

  #isAtBottom() {
    const s = this.#scroller;
    return s.scrollHeight - s.scrollTop - s.clientHeight < NEAR_BOTTOM_PX;
  }

  #scrollToBottom() {
    this.#scroller.scrollTop = this.#scroller.scrollHeight;
  }
}

const sameDay = new Intl.DateTimeFormat(undefined, { hour: "numeric", minute: "2-digit" });
const otherDay = new Intl.DateTimeFormat(undefined, { month: "short", day: "numeric", hour: "numeric", minute: "2-digit" });

/** When a message was written: the time of day, with the date when it was not today. */
function clockTime(timestamp) {
  const date = new Date(timestamp);
  return (date.toDateString() === new Date().toDateString() ? sameDay : otherDay).format(date);
}

function typingDots() {
  return el("span", { className: "typing", role: "img", "aria-label": "Writing a reply" }, el("span"), el("span"), el("span"));
}

/** Conversation starters from what the character knows about. */
function starters(character) {
  const topics = character.personality?.knowledgeBase ?? [];
  return ["Hello! Who are you?", ...topics.slice(0, 2).map((topic) => `Tell me about ${topic}.`)];
}
