// The sign-in / sign-up screen.
import { $, el, show } from "./dom.js";
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

const PROVIDER_ERRORS = {
  "email-in-use": "An account already uses this email address. Sign in with its password.",
  "email-unverified": "The provider did not confirm your email address, so no account was made.",
};
const PROVIDER_FAILED = "Signing in with the provider did not work. Please try again.";

/**
 * Back from a sign-in provider, the address ends in #oauth=<code> or #oauth-error=<reason>:
 * returns { user } or { notice }, or null when the page was not opened that way.
 */
export async function providerReturn() {
  const answer = new URLSearchParams(location.hash.slice(1));
  const code = answer.get("oauth");
  const error = answer.get("oauth-error");
  if (code === null && error === null) return null;
  // The code is single use: keep it out of the address bar and the history.
  history.replaceState(null, "", location.pathname + location.search);
  if (error !== null) return { notice: PROVIDER_ERRORS[error] ?? PROVIDER_FAILED };
  try {
    return { user: await session.exchange(code) };
  } catch (error) {
    return error instanceof session.SecondFactorRequired ? { challenge: error } : { notice: PROVIDER_FAILED };
  }
}

export class AuthView {
  #root = $("#auth-view");
  #form = $("#auth-form");
  #error = $("#auth-error");
  #notice = $("#auth-notice");
  #submit = $("#auth-submit");
  #mode = "signIn";
  #challenge = null; // the first step's answer while the second factor is asked for
  #onSignedIn;

  /** @param onSignedIn (user) => void */
  constructor({ onSignedIn }) {
    this.#onSignedIn = onSignedIn;
    $("#auth-switch").addEventListener("click", () => this.#setMode(this.#mode === "signIn" ? "signUp" : "signIn"));
    this.#form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.#send();
    });
    session.providers().then((providers) => this.#renderProviders(providers));
  }

  /** Shows the form; a notice says why (e.g. the session ended). */
  open(notice = "") {
    this.#notice.textContent = notice;
    show(this.#notice, notice !== "");
    this.#form.reset();
    this.#setMode("signIn");
    this.#challenge = null;
    show($("#code-field"), false);
    show(this.#root);
    document.title = "Sign in · CharacterChat";
    $("#auth-email").focus();
  }

  close() {
    show(this.#root, false);
  }

  /** The password (or provider) was right and the account has 2FA on: ask for the code. */
  askForCode(challenge) {
    this.#challenge = challenge;
    show($("#code-field"));
    this.#error.textContent = challenge.message;
    $("#auth-code").focus();
  }

  /** "Continue with ..." for each provider: the browser leaves for it and comes back to this page. */
  #renderProviders(providers) {
    $("#provider-list").replaceChildren(...providers.map(({ name, displayName }) => el("li", {},
      el("a", {
        className: "btn btn-secondary btn-block",
        href: `/api/auth/oauth/${encodeURIComponent(name)}/start?returnUrl=${encodeURIComponent(location.pathname)}`,
      }, `Continue with ${displayName}`))));
    show($("#providers"), providers.length > 0);
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
    show($("#forgot-link"), mode === "signIn");
    show($("#lockout-offer"), false);
    this.#error.textContent = "";
  }

  async #send() {
    const values = Object.fromEntries(new FormData(this.#form));
    if (this.#challenge) return this.#sendCode(values.code);
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
        : await session.signIn({ email: values.email, password: values.password });
      this.#onSignedIn(user);
    } catch (error) {
      if (error instanceof session.SecondFactorRequired) this.askForCode(error);
      else this.#error.textContent = error.message;
      // Locked out after too many wrong passwords: a reset is the way out that needs no waiting.
      show($("#lockout-offer"), error.status === 429);
    } finally {
      this.#submit.disabled = false;
    }
  }

  async #sendCode(code) {
    if (!code) {
      this.#error.textContent = "Enter the verification code.";
      $("#auth-code").focus();
      return;
    }
    this.#submit.disabled = true;
    try {
      const user = await session.finishSignIn(this.#challenge.secondFactorToken, code.trim());
      this.#challenge = null;
      this.#onSignedIn(user);
    } catch (error) {
      this.#error.textContent = error.message;
      $("#auth-code").select();
    } finally {
      this.#submit.disabled = false;
    }
  }
}
