// Barcode scanners are keyboards: they type the code very fast and press Enter. This listener
// catches them anywhere on the cart screen, even while the search box has focus, without taking
// over ordinary typing.

const FAST_GAP_MS = 40; // scanners send a key every few ms; people need 80 ms or more
const MIN_LENGTH = 4;
const STALE_MS = 1000; // keys this far apart are not one code

function isEditable(el) {
  return el instanceof HTMLInputElement || el instanceof HTMLTextAreaElement || (el && el.isContentEditable);
}

/**
 * listenForScans(onScan) -> remover. onScan(code) gets each scanned code.
 *
 * Outside text fields any keys followed by Enter are a code (nothing else would receive them).
 * Inside a text field only a fast burst counts, and its characters are taken back out of the field.
 */
export function listenForScans(onScan) {
  let buffer = "";
  let lastAt = 0;
  let field = null;
  let fieldValueBefore = "";

  function reset() {
    buffer = "";
    field = null;
  }

  function onKeyDown(event) {
    if (event.ctrlKey || event.altKey || event.metaKey) return;
    const now = performance.now();
    if (event.key === "Enter") {
      const editable = isEditable(event.target);
      const code = buffer.trim();
      const isScan = code.length >= MIN_LENGTH && (!editable || now - lastAt < FAST_GAP_MS * 3);
      if (isScan) {
        event.preventDefault();
        event.stopPropagation();
        if (editable && field === event.target) {
          field.value = fieldValueBefore;
          field.dispatchEvent(new Event("input", { bubbles: true }));
        }
        onScan(code);
      }
      reset();
      return;
    }
    if (event.key.length !== 1) return;
    if (buffer && now - lastAt > STALE_MS) {
      reset();
    } else if (buffer && now - lastAt > FAST_GAP_MS && isEditable(event.target)) {
      reset(); // a person typing in a field: only an unbroken fast burst is a scan
    }
    if (!buffer) {
      field = isEditable(event.target) ? event.target : null;
      fieldValueBefore = field ? field.value : "";
    }
    buffer += event.key;
    lastAt = now;
  }

  // Capture phase: the scan is recognised before a focused button or field acts on Enter.
  document.addEventListener("keydown", onKeyDown, true);
  return () => document.removeEventListener("keydown", onKeyDown, true);
}
