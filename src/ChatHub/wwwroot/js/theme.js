// The colour theme: the system's, unless this browser chose one (kept in localStorage). A classic script that
// runs in <head>, before the first paint; the settings page changes the choice through window.characterChatTheme.
(() => {
  const KEY = "characterchat.theme";
  const CHOICES = ["system", "light", "dark"];
  const systemDark = matchMedia("(prefers-color-scheme: dark)");

  const choice = () => (CHOICES.includes(localStorage.getItem(KEY)) ? localStorage.getItem(KEY) : "system");

  function apply() {
    const picked = choice();
    const theme = picked === "system" ? (systemDark.matches ? "dark" : "light") : picked;
    document.documentElement.dataset.theme = theme;
    document.querySelector('meta[name="theme-color"]')?.setAttribute("content", theme === "dark" ? "#14151f" : "#ffffff");
  }

  apply();
  systemDark.addEventListener("change", apply);
  // Another tab changed it.
  addEventListener("storage", (event) => event.key === KEY && apply());

  window.characterChatTheme = {
    choices: CHOICES,
    get: choice,
    set(picked) {
      if (picked === "system") localStorage.removeItem(KEY);
      else localStorage.setItem(KEY, picked);
      apply();
    },
  };
})();
