// The page's two small modal questions: "really delete?" and "what title?". Both use dialogs in index.html.
import { $ } from "./dom.js";

/** Asks before something is deleted; resolves true when the user confirmed. */
export function confirmDelete({ title, text }) {
  const dialog = $("#confirm-dialog");
  $("#confirm-title").textContent = title;
  $("#confirm-text").textContent = text;
  dialog.returnValue = "";
  return new Promise((resolve) => {
    dialog.addEventListener("close", () => resolve(dialog.returnValue === "confirm"), { once: true });
    dialog.showModal();
  });
}

/**
 * Asks for a conversation's new title and hands it to save, which throws (with the server's reason) when
 * it is refused: the reason is shown and the dialog stays open. Resolves true once saved, false when cancelled.
 */
export function askTitle(current, save) {
  const dialog = $("#rename-dialog");
  const form = $("#rename-form");
  const input = $("#rename-input");
  const error = $("#rename-error");
  input.value = current ?? "";
  error.textContent = "";
  return new Promise((resolve) => {
    const submit = async (event) => {
      event.preventDefault();
      try {
        await save(input.value);
        finish(true);
      } catch (failure) {
        error.textContent = failure.message;
        input.focus();
      }
    };
    const cancel = () => dialog.close();
    const finish = (saved) => {
      form.removeEventListener("submit", submit);
      $("#rename-cancel").removeEventListener("click", cancel);
      dialog.removeEventListener("close", cancelled);
      if (dialog.open) dialog.close();
      resolve(saved);
    };
    const cancelled = () => finish(false);
    form.addEventListener("submit", submit);
    $("#rename-cancel").addEventListener("click", cancel);
    dialog.addEventListener("close", cancelled);
    dialog.showModal();
    input.select();
  });
}
