// The large on-screen numeric keypad used for PINs, phone numbers and cash. On a kiosk the OS
// keyboard would cover half the layout, so digits are entered here (64 px+ keys); a hardware
// keyboard works too.
import { h } from "./dom.js";
import { t } from "./i18n.js";

/**
 * keypad({label, onKey}) -> {element, setDisabled}
 * onKey receives "0".."9", "back" or "clear".
 */
export function keypad({ label, onKey }) {
  const keys = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "clear", "0", "back"];
  const buttons = keys.map((key) => {
    const text = key === "back" ? "⌫" : key === "clear" ? t("keypad.clearShort") : key;
    const name = key === "back" ? t("keypad.back") : key === "clear" ? t("keypad.clear") : null;
    return h("button", {
      type: "button", class: `key${key.length > 1 ? " key-action" : ""}`, "aria-label": name,
      dataset: { key }, onclick: () => onKey(key),
    }, text);
  });
  const element = h("div", { class: "keypad", role: "group", "aria-label": label }, buttons);
  return {
    element,
    setDisabled(disabled) {
      for (const b of buttons) b.disabled = disabled;
    },
  };
}

/** Hardware keys for a keypad screen: digits, Backspace, Escape (clear), Enter. Returns a remover. */
export function listenForDigitKeys({ onKey, onEnter }) {
  function onKeyDown(event) {
    if (event.ctrlKey || event.altKey || event.metaKey) return;
    const target = event.target;
    if (target instanceof HTMLInputElement || target instanceof HTMLTextAreaElement) return;
    if (/^[0-9]$/.test(event.key)) onKey(event.key);
    else if (event.key === "Backspace") onKey("back");
    else if (event.key === "Escape") onKey("clear");
    else if (event.key === "Enter" && onEnter && !(target instanceof HTMLButtonElement)) onEnter();
    else return;
    event.preventDefault();
  }
  document.addEventListener("keydown", onKeyDown);
  return () => document.removeEventListener("keydown", onKeyDown);
}
