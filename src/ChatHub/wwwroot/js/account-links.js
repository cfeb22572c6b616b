// The pages mailed links open: /reset-password#token=… and /delete-account#token=…. They work signed out.
import { $, el, show } from "./dom.js";
import { checkNewPassword, field, form } from "./forms.js";
import * as session from "./session.js";

const RESET = "/reset-password";
const DELETE = "/delete-account";

export class AccountLinks {
  #root = $("#account-view");
  #screen = $("#account-screen");

  constructor() {
    // A second mailed link opened in a tab already on the page changes only the fragment.
    addEventListener("hashchange", () => this.owns(location.pathname) && location.hash.includes("token=") && this.open());
  }

  owns = (path) => path === RESET || path === DELETE;

  /** Shows the page for the address; the token leaves the address bar (and the history) before anything else. */
  open() {
    const token = new URLSearchParams(location.hash.slice(1)).get("token");
    history.replaceState(null, "", location.pathname);
    show(this.#root);
    if (location.pathname === RESET) {
      if (token) this.#choosePassword(token);
      else this.#askForReset();
    } else if (token) this.#confirmDeletion(token);
    else this.#deletionLinkEnded("This address has no deletion token. Open the link from the mail as it is, or ask for a new one.");
  }

  #choosePassword(token) {
    const password = field("New password", { name: "password", type: "password", autocomplete: "new-password", hint: "At least 8 characters." });
    const repeated = field("New password again", { name: "repeated", type: "password", autocomplete: "new-password" });
    this.#show("Choose a new password", "Every device signed in to your account will be signed out.", form({
      label: "Choose a new password",
      fields: [password, repeated],
      submit: "Set the new password",
      action: async (values) => {
        checkNewPassword(values.password, values.repeated);
        try {
          await session.anonymous("POST", "/api/auth/password-reset/confirm", { token, newPassword: values.password });
        } catch (error) {
          // A refused password keeps the link usable; anything else means the link is spent.
          if (error.status === 400 && /link/i.test(error.message)) return this.#resetLinkEnded();
          throw error;
        }
        this.#show("Your password is set", "Sign in with your new password.", signInLink());
      },
    }));
    password.control.focus();
  }

  #resetLinkEnded() {
    this.#askForReset("This reset link no longer works",
      "Reset links work once, for a short while: this one has expired or was used already. Ask for a new one here.");
  }

  #askForReset(title = "Reset your password", lead = "Enter your account's email address. We send it a link to choose a new password.") {
    const email = field("Email", { name: "email", type: "email", autocomplete: "email" });
    this.#show(title, lead, form({
      label: "Ask for a reset link",
      fields: [email],
      submit: "Send the link",
      action: async (values) => {
        if (!values.email?.trim()) throw new Error("Enter your email address.");
        const answer = await session.anonymous("POST", "/api/auth/password-reset", { email: values.email.trim() });
        this.#show("Check your mail", answer.message, signInLink("Back to sign in"));
      },
    }), signInLink("Back to sign in", "btn-link"));
    email.control.focus();
  }

  #confirmDeletion(token) {
    const keep = el("a", { className: "btn btn-ghost", href: "/" }, "Keep my account");
    this.#show("Delete your account?",
      "Your account goes with everything in it: your conversations, your signed-in devices, your two-factor settings and linked sign-in providers. This cannot be undone.",
      form({
        label: "Confirm the deletion",
        submit: "Delete my account",
        danger: true,
        action: async () => {
          try {
            await session.anonymous("POST", "/api/auth/delete-account/confirm", { token });
          } catch (error) {
            if (error.status === 400) return this.#deletionLinkEnded("Deletion links work once, for a short while: this one has expired or was used already.");
            throw error;
          }
          await session.signOut();
          this.#show("Your account is deleted", "Everything of it is gone. Thank you for chatting with us.", signInLink("Back to the start"));
        },
      }), keep);
  }

  #deletionLinkEnded(why) {
    this.#show("This link no longer works", `${why} To ask again, sign in and open Settings, then Delete account.`,
      el("a", { className: "btn btn-primary", href: "/settings/account" }, "Sign in and ask again"));
  }

  /** One screen of the card: a heading (focused, so a screen reader hears the change), a lead and its content. */
  #show(title, lead, ...content) {
    const heading = el("h1", { className: "auth-title", tabIndex: -1 }, title);
    this.#screen.replaceChildren(heading, el("p", { className: "muted" }, lead), ...content);
    document.title = `${title} · CharacterChat`;
    heading.focus();
  }
}

function signInLink(text = "Sign in", className = "btn btn-primary") {
  return el("p", { className: "account-next" }, el("a", { className, href: "/" }, text));
}
