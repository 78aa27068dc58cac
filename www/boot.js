// Loads the Keyhole wasm app. Kept as an external module so the Content-Security-Policy needs
// no inline scripts. Paths are relative so dist/ works from any sub-path.
import init from "./keyhole-app.js";

init({ module_or_path: new URL("./keyhole-app_bg.wasm", import.meta.url) }).catch((err) => {
  const p = document.createElement("p");
  p.setAttribute("role", "alert");
  p.className = "fatal";
  p.textContent = "Keyhole failed to start: " + err;
  document.body.appendChild(p);
});
