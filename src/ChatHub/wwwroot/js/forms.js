// Building blocks of the account screens: labelled fields and forms that show their own errors and answers.
import { el } from "./dom.js";

let count = 0;

/** A labelled input (or textarea/select with tag); props go to the control. Returns the wrapper; the control is .control. */
export function field(label, { tag = "input", hint, ...props } = {}) {
  const id = props.id ?? `field-${++count}`;
  const hintId = hint ? `${id}-hint` : undefined;
  const control = el(tag, { ...props, id, "aria-describedby": hintId });
  const wrapper = el("div", { className: "field" },
    el("label", { htmlFor: id }, label), control, hint ? el("p", { className: "field-hint", id: hintId }, hint) : null);
  wrapper.control = control;
  return wrapper;
}

/**
 * A form whose submit runs action(values, form): its button is disabled meanwhile, a thrown error's message goes to
 * the form's alert, and a returned string to its status line.
 */
export function form({ label, fields = [], submit, danger = false, action }) {
  const error = el("p", { className: "form-error", role: "alert" });
  const status = el("p", { className: "form-status", role: "status" });
  const button = el("button", { type: "submit", className: `btn ${danger ? "btn-danger" : "btn-primary"}` }, submit);
  const node = el("form", { className: "stack-form", noValidate: true, "aria-label": label },
    ...fields, error, el("div", { className: "form-actions" }, button), status);
  node.addEventListener("submit", async (event) => {
    event.preventDefault();
    error.textContent = "";
    status.textContent = "";
    button.disabled = true;
    try {
      const message = await action(Object.fromEntries(new FormData(node)), node);
      if (typeof message === "string" && node.isConnected) status.textContent = message;
    } catch (failure) {
      error.textContent = failure.message;
    } finally {
      button.disabled = false;
    }
  });
  return node;
}

const MIN_PASSWORD = 8;
const MAX_PASSWORD = 256;

/** Sign-up's rules, checked before the server is asked (which checks them again). */
export function checkNewPassword(password = "", repeated = "") {
  if (password.length < MIN_PASSWORD || password.length > MAX_PASSWORD) {
    throw new Error(`The password must have ${MIN_PASSWORD} to ${MAX_PASSWORD} characters.`);
  }
  if (password !== repeated) throw new Error("The two new passwords are not the same.");
}

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });
export const formatDate = (value) => dateFormat.format(new Date(value));
