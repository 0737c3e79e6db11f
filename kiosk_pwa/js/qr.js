// Draws a QR code (the QRIS payload, the digital receipt link) as SVG in the browser.
// Error correction M as QRIS issuers print it, never boosted, so the symbol size is predictable;
// a 4-module quiet zone so every banking app's scanner finds the edges.
import qrcodegen from "../vendor/qrcodegen.js";

const QUIET_ZONE = 4;
const SVG_NS = "http://www.w3.org/2000/svg";

/** An <svg role="img"> of `text`; scale it with CSS (it is crisp at any size). */
export function qrSvg(text, label) {
  const { QrCode, QrSegment } = qrcodegen;
  const qr = QrCode.encodeSegments(QrSegment.makeSegments(text), QrCode.Ecc.MEDIUM, 1, 40, -1, false);
  const size = qr.size + QUIET_ZONE * 2;
  let path = "";
  for (let y = 0; y < qr.size; y += 1) {
    for (let x = 0; x < qr.size; x += 1) {
      if (qr.getModule(x, y)) path += `M${x + QUIET_ZONE},${y + QUIET_ZONE}h1v1h-1z`;
    }
  }
  const svg = document.createElementNS(SVG_NS, "svg");
  svg.setAttribute("viewBox", `0 0 ${size} ${size}`);
  svg.setAttribute("shape-rendering", "crispEdges");
  svg.setAttribute("role", "img");
  svg.setAttribute("aria-label", label);
  svg.dataset.modules = String(qr.size);
  const background = document.createElementNS(SVG_NS, "rect");
  background.setAttribute("width", "100%");
  background.setAttribute("height", "100%");
  background.setAttribute("fill", "#ffffff");
  const modules = document.createElementNS(SVG_NS, "path");
  modules.setAttribute("d", path);
  modules.setAttribute("fill", "#000000");
  svg.append(background, modules);
  return svg;
}
