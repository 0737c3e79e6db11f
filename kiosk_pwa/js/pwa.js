// Service worker registration and safe updates. A new version installs in the background and
// waits; it is switched on only while the PIN screen shows (no cart, no QR on screen), and the
// page then reloads into it.

let registration = null;
let atSafePoint = false;
let applying = false;

function applyIfSafe() {
  if (!atSafePoint || !registration || !registration.waiting || !navigator.serviceWorker.controller) return;
  applying = true;
  registration.waiting.postMessage({ type: "SKIP_WAITING" });
}

export async function registerServiceWorker() {
  if (!("serviceWorker" in navigator)) return;
  navigator.serviceWorker.addEventListener("controllerchange", () => {
    if (applying) window.location.reload();
  });
  registration = await navigator.serviceWorker.register(new URL("../sw.js", import.meta.url), {
    scope: new URL("../", import.meta.url).pathname,
  });
  registration.addEventListener("updatefound", () => {
    const worker = registration.installing;
    worker?.addEventListener("statechange", () => {
      if (worker.state === "installed") applyIfSafe();
    });
  });
  // A kiosk may stay open for days: look for a new version now and then.
  setInterval(() => registration.update().catch(() => {}), 30 * 60 * 1000);
  applyIfSafe();
}

/** The router says whether the screen showing now is a safe point (the PIN screen). */
export function setSafePoint(safe) {
  atSafePoint = safe;
  if (!safe || !registration) return;
  registration.update().catch(() => {});
  applyIfSafe();
}
