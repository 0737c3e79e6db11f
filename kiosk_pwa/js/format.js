// Money, phones and times as Sambung shows them. Each function mirrors its Python twin so the kiosk,
// printed receipts and messages agree to the character (tests compare them):
//   formatRupiah  <- chalicelib/core/money.py format_rupiah
//   displayPhone  <- chalicelib/core/phone.py display_phone
//   maskedPhone   <- chalicelib/documents/formatting.py masked_phone
//   formatWib     <- chalicelib/core/clock.py format_wib

/** 150000 -> "Rp150.000"; -5000 -> "-Rp5.000". Rupiah are whole numbers: anything else is a bug. */
export function formatRupiah(amount) {
  if (typeof amount !== "number" || !Number.isSafeInteger(amount)) {
    throw new TypeError(`rupiah amounts are int, got ${amount === null ? "null" : typeof amount}`);
  }
  const sign = amount < 0 ? "-" : "";
  return `${sign}Rp${groupThousands(Math.abs(amount))}`;
}

/** 1250000 -> "1.250.000" (Indonesian thousands separator). */
export function groupThousands(n) {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ".");
}

/** "081234567890" -> "0812-3456-7890": groups of 4, 4 and the rest, also while it is being typed. */
export function groupLocalPhone(local) {
  return [local.slice(0, 4), local.slice(4, 8), local.slice(8)].filter(Boolean).join("-");
}

/** "+6281234567890" -> "0812-3456-7890"; numbers outside Indonesia stay international. */
export function displayPhone(e164) {
  if (e164.startsWith("+62")) return groupLocalPhone("0" + e164.slice(3));
  return e164;
}

/** "+6281234567890" -> "0812-****-7890": enough for the shopper to recognise, not for a stranger. */
export function maskedPhone(e164) {
  if (!e164.startsWith("+62")) {
    if (e164.length <= 7) return "*".repeat(e164.length);
    return e164.slice(0, 6) + "*".repeat(e164.length - 9) + e164.slice(-3);
  }
  const groups = displayPhone(e164).split("-");
  return [groups[0], ...groups.slice(1, -1).map((g) => "*".repeat(g.length)), groups[groups.length - 1]].join("-");
}

const ZONE_LABELS = { "Asia/Jakarta": "WIB", "Asia/Pontianak": "WIB", "Asia/Makassar": "WITA", "Asia/Jayapura": "WIT" };

function zoneParts(epochSeconds, timeZone) {
  const parts = new Intl.DateTimeFormat("en-GB", {
    timeZone, year: "numeric", month: "2-digit", day: "2-digit",
    hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23", timeZoneName: "short",
  }).formatToParts(new Date(epochSeconds * 1000));
  return Object.fromEntries(parts.map((p) => [p.type, p.value]));
}

/** Epoch seconds -> "23/11/2026 14:05 WIB" in the store's zone (WIB/WITA/WIT by zone). */
export function formatWib(epochSeconds, timeZone = "Asia/Jakarta", withSeconds = false) {
  const p = zoneParts(epochSeconds, timeZone);
  const time = withSeconds ? `${p.hour}:${p.minute}:${p.second}` : `${p.hour}:${p.minute}`;
  return `${p.day}/${p.month}/${p.year} ${time} ${ZONE_LABELS[timeZone] || p.timeZoneName}`;
}

/** Epoch seconds -> "14:05 WIB": for times later today, such as the end of a PIN lockout. */
export function formatClockTime(epochSeconds, timeZone = "Asia/Jakarta") {
  const p = zoneParts(epochSeconds, timeZone);
  return `${p.hour}:${p.minute} ${ZONE_LABELS[timeZone] || p.timeZoneName}`;
}

/** Seconds left -> "14:05" (minutes:seconds) for the QRIS countdown; never negative. */
export function formatCountdown(seconds) {
  const s = Math.max(0, Math.floor(seconds));
  return `${String(Math.floor(s / 60)).padStart(2, "0")}:${String(s % 60).padStart(2, "0")}`;
}
