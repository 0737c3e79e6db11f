// What the history, sale and refund screens share: how a sale's status, tender and refund read.
import { h } from "./dom.js";
import { t } from "./i18n.js";

/** An order's status in the kiosk's language (the server's label for one we do not know). */
export function statusText(status, serverLabel) {
  switch (status) {
    case "COMPLETED": return t("history.status.completed");
    case "AWAITING_PAYMENT": return t("history.status.awaiting");
    case "BOOKED": return t("history.status.booked");
    case "PAID": return t("history.status.paid");
    case "EXPIRED": return t("history.status.expired");
    case "FAILED": return t("history.status.failed");
    case "CANCELLED": return t("history.status.cancelled");
    case "PAID_LATE": return t("history.status.paidLate");
    case "NEEDS_REVIEW": return t("history.status.needsReview");
    case "VOIDED": return t("history.status.voided");
    case "REFUNDED": return t("history.status.refunded");
    default: return serverLabel || status;
  }
}

export function statusBadge(status, serverLabel) {
  return h("span", { class: `badge badge-${status}`, dataset: { status } }, statusText(status, serverLabel));
}

/** How money came in or goes back: "QRIS · GOPAY", "Tunai", "Transfer bank"; "-" when not (yet) paid. */
export function methodText(method, issuer) {
  if (method === "CASH") return t("history.method.cash");
  if (method === "BANK_TRANSFER") return t("history.method.transfer");
  if (method === "COD") return t("history.method.cod");
  if (method === "QRIS") return issuer ? `QRIS · ${issuer.toUpperCase()}` : "QRIS";
  return method || "-";
}

export function refundStatusText(status) {
  switch (status) {
    case "DONE": return t("refund.status.done");
    case "PENDING": return t("refund.status.pending");
    case "REQUESTED": return t("refund.status.requested");
    case "FAILED": return t("refund.status.failed");
    default: return status;
  }
}

/** The reasons staff pick from, in the order the kiosk lists them (codes of the server's list). */
export const REASON_CODES = ["salah_input", "barang_rusak", "pelanggan_batal", "pembayaran_ganda", "pembayaran_terlambat",
  "jumlah_tidak_sesuai", "retur_kurir", "lainnya"];

export function reasonText(code, serverLabel) {
  switch (code) {
    case "salah_input": return t("refund.reason.salah_input");
    case "barang_rusak": return t("refund.reason.barang_rusak");
    case "pelanggan_batal": return t("refund.reason.pelanggan_batal");
    case "pembayaran_ganda": return t("refund.reason.pembayaran_ganda");
    case "pembayaran_terlambat": return t("refund.reason.pembayaran_terlambat");
    case "jumlah_tidak_sesuai": return t("refund.reason.jumlah_tidak_sesuai");
    case "retur_kurir": return t("refund.reason.retur_kurir");
    case "lainnya": return t("refund.reason.lainnya");
    default: return serverLabel || code;
  }
}
