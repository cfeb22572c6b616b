// Settings, at /settings and its sub-paths: profile, password and two-factor, sign-in providers, devices, usage, deletion.
import { $, el, show, timeAgo } from "./dom.js";
import { checkNewPassword, field, form, formatDate } from "./forms.js";
import * as session from "./session.js";

const BASE = "/settings";
const THEME_NAMES = { system: "Same as the system", light: "Light", dark: "Dark" };
const LINK_ERRORS = {
  "already-linked": "That provider account is linked to another CharacterChat account.",
  "provider-linked": "Your account is linked to another account at this provider already. Unlink that one first.",
  "link-expired": "Linking took too long or your account changed meanwhile. Try again.",
};

export class Settings {
  #root = $("#settings-view");
  #onUserChanged;
  #providers = null; // [{ name, displayName }], asked once
  #sections = [
    { path: BASE, name: "Profile", render: () => this.#profile() },
    { path: `${BASE}/security`, name: "Password and two-factor", render: () => this.#security() },
    { path: `${BASE}/sign-in`, name: "Sign-in providers", render: () => this.#signInProviders(), when: () => this.#providers.length > 0 },
    { path: `${BASE}/sessions`, name: "Devices", render: () => this.#devices() },
    { path: `${BASE}/usage`, name: "Usage", render: () => this.#usage() },
    { path: `${BASE}/account`, name: "Delete account", render: () => this.#deletion() },
  ];

  /** @param onUserChanged (user) => void: the name (or anything shown of the user) changed */
  constructor({ onUserChanged }) {
    this.#onUserChanged = onUserChanged;
  }

  owns = (path) => path === BASE || path.startsWith(`${BASE}/`);

  async open(path) {
    this.#providers ??= await session.providers();
    const sections = this.#sections.filter((s) => !s.when || s.when());
    const section = sections.find((s) => s.path === path) ?? sections[0];
    const heading = el("h2", { className: "panel-title", tabIndex: -1 }, section.name);
    const panel = el("div", { className: "panel" }, heading);
    this.#root.replaceChildren(el("div", { className: "page-inner" },
      el("h1", { id: "settings-title", className: "page-title" }, "Settings"),
      el("nav", { className: "tabs", "aria-label": "Settings" }, el("ul", {}, sections.map((s) =>
        el("li", {}, el("a", { href: s.path, "data-nav": true, "aria-current": s === section ? "page" : null }, s.name))))),
      panel));
    show(this.#root);
    document.title = `${section.name} · Settings · CharacterChat`;
    heading.focus();
    try {
      panel.append(...(await section.render()));
    } catch (error) {
      if (session.user()) panel.append(el("p", { className: "form-error", role: "alert" }, `This could not be loaded: ${error.message}`));
    }
  }

  close() {
    show(this.#root, false);
    this.#root.replaceChildren();
  }

  async #profile() {
    const me = await session.api("GET", "/api/me");
    const name = field("Name", { name: "name", value: me.name, autocomplete: "nickname", maxLength: 100 });
    // The persona the model is told about; shown only where the server keeps one.
    const persona = "persona" in me
      ? field("About you", { tag: "textarea", name: "persona", value: me.persona ?? "", rows: 4, hint: "What the characters may know about you." })
      : null;
    const theme = el("fieldset", { className: "choices" }, el("legend", {}, "Appearance"),
      window.characterChatTheme.choices.map((choice) => el("label", { className: "choice" },
        el("input", { type: "radio", name: "theme", value: choice, checked: window.characterChatTheme.get() === choice,
          onchange: () => window.characterChatTheme.set(choice) }),
        THEME_NAMES[choice])));
    return [
      el("p", { className: "muted" }, `Signed in as ${me.email}. Account type: ${me.role}.`),
      form({
        label: "Profile",
        fields: [name, persona],
        submit: "Save",
        action: async (values) => {
          const body = { name: values.name };
          if (persona) body.persona = values.persona;
          this.#onUserChanged(await session.api("PATCH", "/api/me", body));
          return "Saved.";
        },
      }),
      el("p", { className: "field-hint" }, "Your choice of appearance is kept in this browser."),
      theme,
    ];
  }

  async #security() {
    const current = field("Current password", { name: "currentPassword", type: "password", autocomplete: "current-password" });
    const next = field("New password", { name: "newPassword", type: "password", autocomplete: "new-password", hint: "At least 8 characters." });
    const repeated = field("New password again", { name: "repeated", type: "password", autocomplete: "new-password" });
    const twoFactor = el("div", { className: "subsection" });
    await this.#renderTwoFactor(twoFactor);
    return [
      el("h3", { className: "subsection-title" }, "Change your password"),
      form({
        label: "Change your password",
        fields: [current, next, repeated],
        submit: "Change password",
        action: async (values, node) => {
          checkNewPassword(values.newPassword, values.repeated);
          await session.replaceSession("password-changed",
            () => session.api("POST", "/api/me/password", { currentPassword: values.currentPassword, newPassword: values.newPassword }));
          node.reset();
          return "Your password is changed. Your other devices are signed out.";
        },
      }),
      el("p", { className: "field-hint" }, "Signed up with a provider and have no password yet? ",
        el("a", { href: "/reset-password" }, "Set one with a link by mail"), "."),
      twoFactor,
    ];
  }

  async #renderTwoFactor(root, notice = "") {
    const status = await session.api("GET", "/api/me/2fa");
    const title = el("h3", { className: "subsection-title", tabIndex: -1 }, "Two-factor authentication");
    const said = notice ? el("p", { className: "form-status", role: "status" }, notice) : null;
    if (!status.enabled) {
      root.replaceChildren(title, said,
        el("p", { className: "muted" }, "Off. With it on, signing in also asks for a code from an authenticator app on your phone."),
        form({
          label: "Set up two-factor authentication",
          fields: [field("Your password", { name: "password", type: "password", autocomplete: "current-password" })],
          submit: "Set up two-factor",
          action: async (values) => this.#enroll(root, await session.api("POST", "/api/me/2fa/enroll", { password: values.password || undefined })),
        }));
      return;
    }
    root.replaceChildren(title, said,
      el("p", { className: "muted" }, `On. ${status.backupCodesLeft} of 10 backup codes left.`),
      form({
        label: "Turn off two-factor authentication",
        fields: [
          field("Your password", { name: "password", type: "password", autocomplete: "current-password" }),
          field("Code", { name: "code", autocomplete: "one-time-code", hint: "From your authenticator app, or a backup code." }),
        ],
        submit: "Turn off two-factor",
        danger: true,
        action: async (values) => {
          await session.api("POST", "/api/me/2fa/disable", { password: values.password || undefined, code: values.code?.trim() });
          await this.#renderTwoFactor(root, "Two-factor authentication is off.");
          $(".subsection-title", root).focus();
        },
      }));
  }

  /** Step two: the QR code (and the key, for typing in), then a code from the app turns it on. */
  #enroll(root, setup) {
    const code = field("Code from the app", { name: "code", inputMode: "numeric", autocomplete: "one-time-code" });
    const title = el("h3", { className: "subsection-title", tabIndex: -1 }, "Scan the QR code");
    root.replaceChildren(title,
      el("p", { className: "muted" }, "Open your authenticator app (Google Authenticator, 1Password, Authy …), add an account and scan this code."),
      el("img", { className: "qr-code", src: `data:image/svg+xml;base64,${btoa(setup.qrSvg)}`, alt: "QR code for your authenticator app", width: 200, height: 200 }),
      el("p", { className: "field-hint" }, "Cannot scan it? Enter this key instead: ", el("code", { id: "totp-secret", className: "secret" }, setup.secret)),
      form({
        label: "Confirm two-factor authentication",
        fields: [code],
        submit: "Turn on",
        action: async (values) => this.#showBackupCodes(root, await session.api("POST", "/api/me/2fa/confirm", { code: values.code?.trim() })),
      }));
    title.focus();
  }

  #showBackupCodes(root, { backupCodes }) {
    const text = backupCodes.join("\n");
    const copied = el("p", { className: "form-status", role: "status" });
    const title = el("h3", { className: "subsection-title", tabIndex: -1 }, "Save your backup codes");
    root.replaceChildren(title,
      el("p", {}, "Two-factor authentication is on. If you lose your phone, each of these codes signs you in once. They are shown only now: copy or download them and keep them safe."),
      el("ol", { className: "backup-codes", "aria-label": "Backup codes" }, backupCodes.map((c) => el("li", {}, el("code", {}, c)))),
      el("div", { className: "form-actions" },
        el("button", { type: "button", className: "btn btn-secondary", onclick: async () => {
          try {
            await navigator.clipboard.writeText(text);
            copied.textContent = "Copied.";
          } catch {
            copied.textContent = "This browser did not allow copying: select the codes, or download them.";
          }
        } }, "Copy codes"),
        el("a", { className: "btn btn-secondary", download: "characterchat-backup-codes.txt",
          href: `data:text/plain;charset=utf-8,${encodeURIComponent(`CharacterChat backup codes\n\n${text}\n`)}` }, "Download codes"),
        el("button", { type: "button", className: "btn btn-primary", onclick: () => this.#renderTwoFactor(root).then(() => $(".subsection-title", root).focus()) },
          "I have saved them")),
      copied);
    title.focus();
  }

  async #signInProviders() {
    const notice = linkReturn();
    const links = await session.api("GET", "/api/me/oauth");
    const rows = this.#providers.map(({ name, displayName }) => {
      const link = links.find((l) => l.provider === name);
      const action = link
        ? el("button", { type: "button", className: "btn btn-secondary btn-sm", "aria-label": `Unlink ${displayName}`, onclick: () => this.#unlink(name, displayName) }, "Unlink")
        : el("button", { type: "button", className: "btn btn-secondary btn-sm", "aria-label": `Link ${displayName}`, onclick: () => this.#link(name) }, "Link");
      return el("li", { className: "row" },
        el("span", { className: "row-text" }, el("strong", {}, displayName),
          el("span", { className: "muted" }, link ? `Linked${link.email ? ` as ${link.email}` : ""} since ${formatDate(link.linkedAt)}` : "Not linked")),
        action);
    });
    return [notice, el("ul", { className: "rows" }, rows)];
  }

  async #link(provider) {
    const { url } = await session.api("POST", `/api/me/oauth/${encodeURIComponent(provider)}/link-start?returnUrl=${encodeURIComponent(`${BASE}/sign-in`)}`);
    location.assign(url);
  }

  async #unlink(provider, displayName) {
    try {
      await session.api("DELETE", `/api/me/oauth/${encodeURIComponent(provider)}`);
      await this.open(`${BASE}/sign-in`);
      this.#say(`${displayName} is unlinked.`);
    } catch (error) {
      this.#say(error.message, true);
    }
  }

  async #usage() {
    const usage = await session.api("GET", "/api/me/usage?days=30");
    const { budget } = usage;
    const tokens = (n) => `${n.toLocaleString()} tokens`;
    const limit = (used, max, left) => max == null ? `${tokens(used)} (no limit)` : `${tokens(used)} of ${max.toLocaleString()} · ${left.toLocaleString()} left`;
    const reached = budget.leftToday === 0 ? `You have used today's budget. It resets ${formatDate(budget.dayResetsAt)}.`
      : budget.leftThisMonth === 0 ? `You have used this month's budget. It resets ${formatDate(budget.monthResetsAt)}.` : null;
    const days = usage.days.filter((d) => d.usage.replies > 0).reverse();
    return [
      reached ? el("p", { className: "notice", role: "status", id: "budget-reached" }, reached) : null,
      el("dl", { className: "usage-summary" },
        el("dt", {}, "Today"), el("dd", { id: "usage-today" }, limit(usage.today.totalTokens, budget.tokensPerDay, budget.leftToday)),
        el("dt", {}, "This month"), el("dd", { id: "usage-month" }, limit(usage.month.totalTokens, budget.tokensPerMonth, budget.leftThisMonth))),
      el("p", { className: "muted" }, "Tokens are what the model reads (your conversation and the character) and writes. Days are counted in UTC."),
      el("h3", { className: "subsection-title" }, "The last 30 days"),
      days.length === 0 ? el("p", { className: "muted" }, "No replies yet.") : usageTable("Tokens by day", ["Day", "Replies", "Tokens"],
        days.map((d) => [d.day, d.usage.replies.toLocaleString(), d.usage.totalTokens.toLocaleString()])),
      usage.models.length === 0 ? null : usageTable("Tokens by model", ["Model", "Replies", "Tokens"],
        usage.models.map((m) => [m.model, m.usage.replies.toLocaleString(), m.usage.totalTokens.toLocaleString()])),
    ];
  }

  async #devices() {
    const sessions = await session.api("GET", "/api/me/sessions");
    const others = sessions.filter((s) => !s.current);
    const rows = sessions.map((s) => {
      const device = `${s.browser} on ${s.os}`;
      return el("li", { className: "row" },
        el("span", { className: "row-text" },
          el("strong", {}, device, s.current ? el("span", { className: "badge" }, "This device") : null),
          el("span", { className: "muted" }, `Signed in ${formatDate(s.createdAt)} · last active ${timeAgo(s.lastUsedAt)}`)),
        s.current ? null : el("button", {
          type: "button", className: "btn btn-secondary btn-sm", "aria-label": `Sign out ${device}`,
          onclick: () => this.#endSession(s.id, device),
        }, "Sign out"));
    });
    return [
      el("p", { className: "muted" }, "Each browser or app signed in to your account. Sign out one you do not know, and change your password."),
      el("ul", { className: "rows", "aria-label": "Signed-in devices" }, rows),
      others.length === 0 ? null : el("div", { className: "form-actions" },
        el("button", { type: "button", className: "btn btn-secondary", onclick: () => this.#endOthers() }, "Sign out everywhere else")),
    ];
  }

  async #endSession(id, device) {
    await this.#afterSessions(() => session.api("DELETE", `/api/me/sessions/${encodeURIComponent(id)}`), `${device} is signed out.`);
  }

  async #endOthers() {
    await this.#afterSessions(async () => {
      const { revoked } = await session.api("POST", "/api/me/sessions/revoke-others");
      return `Signed out ${revoked} other ${revoked === 1 ? "device" : "devices"}.`;
    });
  }

  async #afterSessions(call, message) {
    try {
      const answer = await call();
      await this.open(`${BASE}/sessions`);
      this.#say(message ?? answer);
    } catch (error) {
      this.#say(error.message, true);
    }
  }

  async #deletion() {
    const twoFactor = await session.api("GET", "/api/me/2fa");
    const fields = [field("Your password", { name: "password", type: "password", autocomplete: "current-password" })];
    if (twoFactor.enabled) fields.push(field("Or a code", { name: "code", autocomplete: "one-time-code", hint: "From your authenticator app, instead of the password." }));
    return [
      el("p", {}, "Deleting your account removes it with everything in it: your conversations, signed-in devices, two-factor settings and linked providers. We send a link to your email address to confirm it; nothing is deleted before you open it."),
      form({
        label: "Delete your account",
        fields,
        submit: "Send the confirmation link",
        danger: true,
        action: async (values) => {
          const body = values.password ? { password: values.password } : { code: values.code?.trim() };
          return `${(await session.api("POST", "/api/me/delete-request", body)).message} Check your mail.`;
        },
      }),
    ];
  }

  /** A line under the panel's heading, for what a button (not a form) did. */
  #say(message, failed = false) {
    const heading = $(".panel-title", this.#root);
    heading?.after(el("p", { className: failed ? "form-error" : "form-status", role: failed ? "alert" : "status" }, message));
  }
}

/** Back from a provider after "Link": the address ends in #oauth-linked=<provider> or #oauth-error=<reason>. */
function linkReturn() {
  const answer = new URLSearchParams(location.hash.slice(1));
  const linked = answer.get("oauth-linked");
  const error = answer.get("oauth-error");
  if (linked === null && error === null) return null;
  history.replaceState(null, "", location.pathname);
  return linked !== null
    ? el("p", { className: "form-status", role: "status" }, "The provider is linked: you can sign in with it now.")
    : el("p", { className: "form-error", role: "alert" }, LINK_ERRORS[error] ?? "Linking the provider did not work. Please try again.");
}

/** A small table of rows of text; the last columns are numbers. */
export function usageTable(label, headings, rows) {
  return el("div", { className: "table-scroll", tabIndex: 0, role: "region", "aria-label": label },
    el("table", { className: "table" },
      el("thead", {}, el("tr", {}, headings.map((h) => el("th", { scope: "col" }, h)))),
      el("tbody", {}, rows.map((cells) => el("tr", {}, cells.map((c, i) => el("td", { className: i > 0 ? "numeric" : null }, c)))))));
}
