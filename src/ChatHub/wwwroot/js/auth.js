// The sign-in / sign-up screen.
import { $, show } from "./dom.js";
import * as session from "./session.js";

const MODES = {
  signIn: {
    title: "Welcome back",
    lead: "Sign in to pick up your conversations where you left them.",
    submit: "Sign in",
    switchText: "New to CharacterChat?",
    switchButton: "Create an account",
    password: "current-password",
  },
  signUp: {
    title: "Create your account",
    lead: "Talk with a detective, a tutor or a game master, in seconds.",
    submit: "Create account",
    switchText: "Already have an account?",
    switchButton: "Sign in",
    password: "new-password",
  },
};

export class AuthView {
  #root = $("#auth-view");
  #form = $("#auth-form");
  #error = $("#auth-error");
  #notice = $("#auth-notice");
  #submit = $("#auth-submit");
  #mode = "signIn";
  #onSignedIn;

  /** @param onSignedIn (user) => void */
  constructor({ onSignedIn }) {
    this.#onSignedIn = onSignedIn;
    $("#auth-switch").addEventListener("click", () => this.#setMode(this.#mode === "signIn" ? "signUp" : "signIn"));
    this.#form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.#send();
    });
  }

  /** Shows the form; a notice says why (e.g. the session ended). */
  open(notice = "") {
    this.#notice.textContent = notice;
    show(this.#notice, notice !== "");
    this.#form.reset();
    this.#setMode("signIn");
    show($("#code-field"), false);
    show(this.#root);
    document.title = "Sign in · CharacterChat";
    $("#auth-email").focus();
  }

  close() {
    show(this.#root, false);
  }

  #setMode(mode) {
    this.#mode = mode;
    const text = MODES[mode];
    $("#auth-title").textContent = text.title;
    $("#auth-lead").textContent = text.lead;
    this.#submit.textContent = text.submit;
    $("#auth-switch-text").textContent = text.switchText;
    $("#auth-switch").textContent = text.switchButton;
    $("#auth-password").autocomplete = text.password;
    show($("#name-field"), mode === "signUp");
    show($("#password-hint"), mode === "signUp");
    this.#error.textContent = "";
  }

  async #send() {
    const values = Object.fromEntries(new FormData(this.#form));
    if (!values.email || !values.password) {
      this.#error.textContent = "Enter your email and password.";
      (values.email ? $("#auth-password") : $("#auth-email")).focus();
      return;
    }
    this.#error.textContent = "";
    this.#submit.disabled = true;
    try {
      const user = this.#mode === "signUp"
        ? await session.signUp({ name: values.name || undefined, email: values.email, password: values.password })
        : await session.signIn({ email: values.email, password: values.password, code: values.code || undefined });
      this.#onSignedIn(user);
    } catch (error) {
      if (!askForSecondFactor(error)) this.#error.textContent = error.message;
    } finally {
      this.#submit.disabled = false;
    }
  }
}

/**
 * Two-factor sign-in (not offered by the server yet): when login answers 401/403 with a problem
 * whose type or title speaks of a second factor, show the code field; the next submit sends `code`.
 */
function askForSecondFactor(error) {
  const { type = "", title = "", detail = "" } = error.problem ?? {};
  if (![401, 403].includes(error.status) || !/two[- ]?factor|second factor|2fa|mfa/i.test(`${type} ${title}`)) return false;
  show($("#code-field"));
  $("#auth-error").textContent = detail || "Enter the verification code to finish signing in.";
  $("#auth-code").focus();
  return true;
}
