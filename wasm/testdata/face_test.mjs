// Drives the built memeforge.wasm in Node as the site's worker would. Run by
// TestFaceUnderNode (wasm/face_test.go), which passes paths and the natively
// computed pixel hashes in the environment. Prints "N passed, M failed".
import { readFileSync } from "node:fs";
import { createHash } from "node:crypto";
import { pathToFileURL } from "node:url";

const env = process.env;
await import(pathToFileURL(env.WASM_EXEC).href); // defines globalThis.Go
const go = new Go();
const { instance } = await WebAssembly.instantiate(readFileSync(env.MODULE), go.importObject);
go.run(instance); // resolves only if main returns; it blocks to serve calls

const mf = globalThis.memeforge;
let passed = 0, failed = 0;
async function check(name, fn) {
  try {
    await fn();
    passed++;
    console.log("ok   " + name);
  } catch (e) {
    failed++;
    console.log("FAIL " + name + ": " + (e && e.stack || e));
  }
}
function assert(cond, msg) { if (!cond) throw new Error(msg); }
async function rejects(p, want) {
  let err;
  try { await p; } catch (e) { err = e; }
  assert(err instanceof Error, "did not reject with an Error");
  assert(err.message.startsWith("memeforge."), "message lacks the method: " + err.message);
  if (want) assert(err.message.includes(want), `message ${JSON.stringify(err.message)} lacks ${JSON.stringify(want)}`);
}
const sha = (u8) => createHash("sha256").update(u8).digest("hex");
const bytes = (p) => new Uint8Array(readFileSync(p));
const spec = env.SPEC;

await check("ExposesOneObjectWithVersion", async () => {
  assert(typeof mf === "object", "no memeforge global");
  assert(typeof mf.version === "string" && mf.version.length > 0, "version");
  for (const m of ["loadImage", "addFont", "renderPreview", "renderFinal", "encode", "missingGlyphs", "stripMetadata"])
    assert(typeof mf[m] === "function", m);
});
await check("RenderBeforeLoadRejects", () => rejects(mf.renderPreview(spec, 10, 10), "no image loaded"));
await check("LoadImage", async () => {
  const info = await mf.loadImage(bytes(env.IMAGE));
  assert(info.width === 320 && info.height === 240 && info.format === "png", JSON.stringify(info));
});
await check("MissingGlyphsBeforeFallbacks", async () => {
  const m = await mf.missingGlyphs(spec);
  assert(Array.isArray(m) && m.includes("你") && m.includes("П"), JSON.stringify(m));
});
await check("AddFallbackFonts", async () => {
  const a = await mf.addFont("DejaVu", bytes(env.FONTS + "/DejaVuSans-Bold.ttf"), true);
  assert(a.name === "dejavu" && a.family === "DejaVu Sans", JSON.stringify(a));
  const b = await mf.addFont("droid", bytes(env.FONTS + "/DroidSansFallbackFull.ttf"), true);
  assert(b.family === "Droid Sans Fallback", JSON.stringify(b));
});
await check("NothingMissingAfterFallbacks", async () => {
  const m = await mf.missingGlyphs(spec);
  assert(Array.isArray(m) && m.length === 0, JSON.stringify(m));
});
await check("RenderPreviewSamePixelsAsNative", async () => {
  const r = await mf.renderPreview(spec, 160, 120);
  assert(r.width === 160 && r.height === 120, "size");
  assert(r.pixels instanceof Uint8ClampedArray && r.pixels.length === 160 * 120 * 4, "pixels");
  assert(r.missing.length === 0 && r.overflow.length === 0, JSON.stringify([r.missing, r.overflow]));
  assert(sha(r.pixels) === env.PREVIEW_SHA256, "preview pixels differ from the native render");
});
await check("RenderPreviewSendsOnlyWhatChanged", async () => {
  const full = await mf.renderPreview(spec, 160, 120);
  assert(full.changed.x === 0 && full.changed.width === 160 && full.changed.height === 120, "no have: whole frame " + JSON.stringify(full.changed));
  const same = await mf.renderPreview(spec, 160, 120, full.frame);
  assert(same.frame === full.frame + 1, "frame numbers");
  assert(same.changed.width === 0 && same.pixels.length === 0, "same spec: nothing changed " + JSON.stringify(same.changed));
  const edited = JSON.parse(spec);
  edited.boxes[0].text = "changed";
  const e = await mf.renderPreview(JSON.stringify(edited), 160, 120, same.frame);
  const c = e.changed;
  assert(c.width > 0 && c.height > 0 && c.width * c.height < 160 * 120, "edit: a part " + JSON.stringify(c));
  assert(e.pixels.length === c.width * c.height * 4, "pixels cover changed");
  // Patch the held frame and compare with a whole render of the edited spec.
  const held = Uint8ClampedArray.from(full.pixels);
  for (let y = 0; y < c.height; y++)
    held.set(e.pixels.subarray(y * c.width * 4, (y + 1) * c.width * 4), ((c.y + y) * 160 + c.x) * 4);
  const whole = await mf.renderPreview(JSON.stringify(edited), 160, 120, 0);
  assert(whole.changed.width === 160, "have 0: whole frame");
  assert(sha(held) === sha(whole.pixels), "patched frame differs from a whole render");
  const stale = await mf.renderPreview(spec, 160, 120, e.frame);
  assert(stale.changed.width === 160 && stale.changed.height === 120, "have names an older frame: whole frame " + JSON.stringify(stale.changed));
});
await check("RenderPreviewHaveUndefinedIsNone", async () => {
  // have?: number in the .d.ts: a caller passing an optional frame number it does not have yet
  // passes undefined.
  const r = await mf.renderPreview(spec, 160, 120, undefined);
  assert(r.changed.width === 160 && r.changed.height === 120, "whole frame " + JSON.stringify(r.changed));
});
await check("RenderFinalSamePixelsAsNative", async () => {
  const r = await mf.renderFinal(spec);
  assert(r.width === 320 && r.height === 240, "size");
  assert(sha(r.pixels) === env.FINAL_SHA256, "final pixels differ from the native render");
});
await check("EncodePNGAndJPEG", async () => {
  const p = await mf.encode(spec, "png", 0);
  assert(p instanceof Uint8Array && p[0] === 0x89 && p[1] === 0x50, "png signature");
  const j = await mf.encode(spec, "jpeg", 80);
  assert(j[0] === 0xff && j[1] === 0xd8, "jpeg signature");
});
await check("StripMetadata", async () => {
  // The test PNG plus a tEXt chunk after IHDR: stripping gives back the PNG as it was.
  const png = bytes(env.IMAGE);
  const chunk = new Uint8Array([0, 0, 0, 3, 0x74, 0x45, 0x58, 0x74, 0x6b, 0, 0x76, 0, 0, 0, 0]);
  const withText = new Uint8Array(png.length + chunk.length);
  withText.set(png.subarray(0, 33)); withText.set(chunk, 33); withText.set(png.subarray(33), 33 + chunk.length);
  const res = await mf.stripMetadata(withText);
  if (!(res.bytes instanceof Uint8Array) || res.format !== "png" || res.location !== false) throw new Error(`got ${JSON.stringify(res)}`);
  if (JSON.stringify(res.removed) !== '["text"]') throw new Error(`removed ${res.removed}`);
  if (res.bytes.length !== png.length || !res.bytes.every((b, i) => b === png[i])) throw new Error("stripped bytes differ from the PNG without the chunk");
});
await check("ConcurrentCallsAllSettle", async () => {
  const rs = await Promise.all([1, 2, 3].map((i) => mf.renderPreview(spec, 100 + i, 80)));
  assert(rs.map((r) => r.width).join() === "101,102,103", "widths");
});

const bad = [
  ["LoadImageNoArgs", () => mf.loadImage(), "want 1 arguments"],
  ["LoadImageString", () => mf.loadImage("x.png"), "want a Uint8Array"],
  ["LoadImageArrayBuffer", () => mf.loadImage(new ArrayBuffer(8)), "want a Uint8Array"],
  ["LoadImageEmpty", () => mf.loadImage(new Uint8Array(0)), "empty"],
  ["LoadImageGarbage", () => mf.loadImage(new TextEncoder().encode("not an image")), "unsupported"],
  ["StripMetadataGarbage", () => mf.stripMetadata(new TextEncoder().encode("not an image")), "unsupported"],
  ["StripMetadataString", () => mf.stripMetadata("x.png"), "want a Uint8Array"],
  ["LoadImageTruncated", () => mf.loadImage(bytes(env.IMAGE).slice(0, 100)), "corrupt"],
  ["AddFontGarbage", () => mf.addFont("mine", new Uint8Array([1, 2, 3, 4]), false), 'font "mine"'],
  ["AddFontFallbackNotBoolean", () => mf.addFont("x", new Uint8Array(4), "yes"), "fallback: want a boolean"],
  ["PreviewSpecNotString", () => mf.renderPreview({ boxes: [] }, 10, 10), "specJSON: want a string"],
  ["PreviewUnknownField", () => mf.renderPreview('{"boxes":[{"text":"a","x":0,"y":0,"w":1,"h":1,"bogus":1}]}', 10, 10), 'unknown field "bogus"'],
  ["PreviewBadColour", () => mf.renderPreview('{"boxes":[{"text":"a","x":0,"y":0,"w":1,"h":1,"fill":"red"}]}', 10, 10), "boxes[0].fill"],
  ["PreviewNotJSON", () => mf.renderPreview("{", 10, 10), "spec"],
  ["PreviewNegativeWidth", () => mf.renderPreview(spec, -1, 10), "width"],
  ["PreviewFractionalHeight", () => mf.renderPreview(spec, 10, 1.5), "height"],
  ["PreviewNaNWidth", () => mf.renderPreview(spec, NaN, 10), "width"],
  ["PreviewHugeWidth", () => mf.renderPreview(spec, 1e9, 10), "width"],
  ["PreviewWidthAsString", () => mf.renderPreview(spec, "10", 10), "width: want a number"],
  ["PreviewHaveNegative", () => mf.renderPreview(spec, 10, 10, -1), "have: want a frame number"],
  ["PreviewHaveString", () => mf.renderPreview(spec, 10, 10, "3"), "have: want a frame number"],
  ["PreviewFiveArgs", () => mf.renderPreview(spec, 10, 10, 1, 2), "want 3 or 4 arguments"],
  ["PreviewUnknownFont", () => mf.renderPreview('{"boxes":[{"text":"a","x":0,"y":0,"w":1,"h":1,"font":"comic"}]}', 10, 10), 'font "comic" is not loaded'],
  ["EncodeBadFormat", () => mf.encode(spec, "bmp", 1), "format"],
  ["EncodeBadQuality", () => mf.encode(spec, "jpeg", 101), "quality"],
  ["MissingGlyphsNull", () => mf.missingGlyphs(null), "want a string"],
];
for (const [name, call, want] of bad) await check("Rejects" + name, () => rejects(call(), want));
await check("StillWorksAfterRejections", async () => {
  const r = await mf.renderPreview(spec, 160, 120);
  assert(sha(r.pixels) === env.PREVIEW_SHA256, "preview changed");
});

console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
