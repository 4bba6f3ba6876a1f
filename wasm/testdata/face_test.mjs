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
// Node's global is no EventTarget; stand in for a worker's to see the readiness signal.
const events = [];
globalThis.dispatchEvent = (e) => { events.push(e.type); return true; };
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
async function rejects(p, want, code) {
  let err;
  try { await p; } catch (e) { err = e; }
  assert(err instanceof Error, "did not reject with an Error");
  assert(err.message.startsWith("memeforge."), "message lacks the method: " + err.message);
  if (want) assert(err.message.includes(want), `message ${JSON.stringify(err.message)} lacks ${JSON.stringify(want)}`);
  assert(err.code === code, `code ${JSON.stringify(err.code)}, want ${JSON.stringify(code)} (${err.message})`);
}
const sha = (u8) => createHash("sha256").update(u8).digest("hex");
const bytes = (p) => new Uint8Array(readFileSync(p));
const spec = env.SPEC;

await check("ExposesOneObjectWithVersion", async () => {
  assert(typeof mf === "object", "no memeforge global");
  assert(typeof mf.version === "string" && mf.version.length > 0, "version");
  for (const m of ["loadImage", "addFont", "renderPreview", "renderFinal", "missingGlyphs", "fontsNeeded", "emojiNeeded", "addEmoji", "stripMetadata", "loadImageAt", "size", "warmUp"])
    assert(typeof mf[m] === "function", m);
});
await check("SignalsReady", async () => {
  assert(events.join() === "memeforge:ready", "events dispatched: " + JSON.stringify(events));
});
await check("WarmUpTouchesNothing", async () => {
  const ms = await mf.warmUp();
  assert(typeof ms === "number" && ms > 0, "warmUp's time: " + ms);
  await rejects(mf.warmUp(1), "want 0 arguments", "bad_argument");
});
await check("RenderBeforeLoadRejects", () => rejects(mf.renderPreview(spec, 10, 10), "no image loaded", "no_image"));
await check("LoadImage", async () => {
  const info = await mf.loadImage(bytes(env.IMAGE));
  assert(info.width === 320 && info.height === 240 && info.format === "png", JSON.stringify(info));
});
await check("MissingGlyphsBeforeFallbacks", async () => {
  const m = await mf.missingGlyphs(spec);
  assert(Array.isArray(m) && m.includes("你") && m.includes("П"), JSON.stringify(m));
});
await check("FontsNeededBeforeFallbacks", async () => {
  const n = await mf.fontsNeeded(spec);
  assert(Array.isArray(n) && n.join() === "roboto-condensed,dejavu,droid", JSON.stringify(n));
  const named = await mf.fontsNeeded('{"boxes":[{"text":"你","x":0,"y":0,"w":1,"h":1,"font":"droid"}]}');
  assert(named.join() === "droid", JSON.stringify(named));
});
await check("RenderPreviewFitsAndSaysWhatItNeeds", async () => {
  // One call is a keystroke: the fitted size, the final size and what to fetch come with the pixels.
  const r = await mf.renderPreview(spec, 160, 160, 0, true);
  assert(r.width === 160 && r.height === 120, "fitted into 160x160: " + r.width + "x" + r.height);
  assert(r.pixels.length === 160 * 120 * 4, "pixels");
  assert(r.full.width === 320 && r.full.height === 240, "full " + JSON.stringify(r.full));
  assert(r.fontsNeeded.join() === "roboto-condensed,dejavu,droid", "fontsNeeded " + JSON.stringify(r.fontsNeeded));
  assert(Array.isArray(r.emojiNeeded) && r.emojiNeeded.length === 0, "emojiNeeded " + JSON.stringify(r.emojiNeeded));
  const big = await mf.renderPreview(spec, 1000, 1000, 0, true);
  assert(big.width === 320 && big.height === 240, "never larger than the image: " + big.width + "x" + big.height);
  const stretched = await mf.renderPreview(spec, 100, 100, 0, false);
  assert(stretched.width === 100 && stretched.height === 100, "fit false: the size asked");
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
  const n = await mf.fontsNeeded(spec);
  assert(Array.isArray(n) && n.length === 0, JSON.stringify(n));
  const r = await mf.renderPreview(spec, 160, 120);
  assert(r.fontsNeeded.length === 0 && r.emojiNeeded.length === 0, "render's needs " + JSON.stringify([r.fontsNeeded, r.emojiNeeded]));
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

await check("AnimationBeforeLoadRejectsWithCode", async () => {
  let err;
  try { await mf.renderAnimationFrame(spec, 0, 10, 10); } catch (e) { err = e; }
  assert(err && err.code === "no_animation", "code " + (err && err.code));
});
await check("LoadImageSaysAnimatedGIFIsFirstFrameOnly", async () => {
  const info = await mf.loadImage(bytes(env.GIF));
  assert(info.format === "gif" && info.animated === true && info.firstFrameOnly === true, JSON.stringify(info));
});
await check("LoadAnimation", async () => {
  const a = await mf.loadAnimation(bytes(env.GIF));
  assert(a.width === 160 && a.height === 80 && a.frames === 20, JSON.stringify(a));
  assert(a.delays.length === 20 && a.delays.every((d) => d === 40), "delays " + a.delays);
  assert(a.loopCount === 0 && a.plays === 0, "loop");
});
await check("RenderAnimationFrameSamePixelsAsNative", async () => {
  const r = await mf.renderAnimationFrame(spec, 7, 120, 60);
  assert(r.width === 120 && r.height === 60 && r.frame === 7, "size");
  assert(r.fontsNeeded.length === 0 && r.emojiNeeded.length === 0, "needs " + JSON.stringify([r.fontsNeeded, r.emojiNeeded]));
  assert(sha(r.pixels) === env.GIF_FRAME_SHA256, "frame pixels differ from the native render");
});
await check("FinalGIFSameBytesAsNative", async () => {
  const g = await mf.finalGIF(spec);
  assert(g instanceof Uint8Array && sha(g) === env.GIF_SHA256, "GIF bytes differ from the native encoder's");
});
await check("LoadAnimationOverFrameLimitHasCode", async () => {
  let err;
  try { await mf.loadAnimation(bytes(env.MANY_GIF)); } catch (e) { err = e; }
  assert(err && err.code === "too_many_frames" && err.message.includes("2000 frames"), String(err && err.message));
});
await check("LoadAnimationNotGIF", async () => {
  let err;
  try { await mf.loadAnimation(bytes(env.IMAGE)); } catch (e) { err = e; }
  assert(err && err.code === "unsupported_format", String(err && err.message));
});
await check("StillImageAgain", async () => {
  const info = await mf.loadImage(bytes(env.IMAGE));
  assert(info.animated === false && info.firstFrameOnly === false, JSON.stringify(info));
});

await check("SizeOfOneImage", async () => {
  const s = await mf.size(spec);
  assert(s.width === 320 && s.height === 240, JSON.stringify(s));
});
await check("LoadImageAtFillsASlotAndSizeFollowsTheCanvas", async () => {
  // Two 320x240 images stacked: the canvas is as wide as one and twice as tall.
  const two = '{"canvas":{"images":[{"x":0,"y":0,"w":1,"h":0.5},{"x":0,"y":0.5,"w":1,"h":0.5}]},"boxes":[]}';
  const info = await mf.loadImageAt(1, bytes(env.IMAGE));
  assert(info.width === 320 && info.height === 240, JSON.stringify(info));
  const s = await mf.size(two);
  assert(s.width === 320 && s.height === 480, JSON.stringify(s));
  const r = await mf.renderPreview(two, 80, 120);
  assert(r.width === 80 && r.height === 120, "preview size");
  const fitted = await mf.renderPreview(two, 100, 100, 0, true);
  assert(fitted.width === 67 && fitted.height === 100, "the canvas's shape in the box: " + fitted.width + "x" + fitted.height);
  assert(fitted.full.width === 320 && fitted.full.height === 480, "full " + JSON.stringify(fitted.full));
  // Rotated a quarter turn, the first slot's image is 240 wide and 320 tall.
  const rot = await mf.size('{"canvas":{"images":[{"x":0,"y":0,"w":1,"h":1,"rotate":90}]},"boxes":[]}');
  assert(rot.width === 240 && rot.height === 320, JSON.stringify(rot));
  await mf.loadImage(bytes(env.IMAGE)); // back to one image
});
await check("EmojiNeededThenAddEmoji", async () => {
  const es = env.EMOJI_SPEC;
  const before = await mf.renderPreview(es, 160, 120);
  assert(before.missing.includes("👍🏽") && before.missing.includes("👨‍👩‍👧"), "without art: " + JSON.stringify(before.missing));
  assert(JSON.stringify(before.emojiNeeded) === env.EMOJI_KEYS, "the render's emojiNeeded " + JSON.stringify(before.emojiNeeded));
  const keys = await mf.emojiNeeded(es);
  assert(JSON.stringify(keys) === env.EMOJI_KEYS, "emojiNeeded " + JSON.stringify(keys) + ", want " + env.EMOJI_KEYS);
  for (const k of keys) assert(await mf.addEmoji(k, bytes(env.EMOJI_DIR + "/" + k + ".svg")) === k, "addEmoji " + k);
  const after = await mf.emojiNeeded(es);
  assert(Array.isArray(after) && after.length === 0, "still needed: " + JSON.stringify(after));
  const r = await mf.renderPreview(es, 160, 120);
  assert(r.missing.length === 0, "missing " + JSON.stringify(r.missing));
  assert(sha(r.pixels) === env.EMOJI_SHA256, "emoji preview pixels differ from the native render");
});

const bad = [
  ["StripMetadataGarbage", () => mf.stripMetadata(new TextEncoder().encode("not an image")), "unsupported", "unsupported_format"],
  ["StripMetadataString", () => mf.stripMetadata("x.png"), "want a Uint8Array", "bad_argument"],
  ["EmojiNeededNull", () => mf.emojiNeeded(null), "want a string", "bad_argument"],
  ["AddEmojiBadKey", () => mf.addEmoji("../1f525", new TextEncoder().encode("<svg/>")), "emoji key", "bad_argument"],
  ["AddEmojiNotSVG", () => mf.addEmoji("1f525", new TextEncoder().encode("not svg")), "1f525", "bad_emoji"],
  ["AddEmojiString", () => mf.addEmoji("1f525", "<svg/>"), "want a Uint8Array", "bad_argument"],
  ["AddEmojiTooBig", () => mf.addEmoji("1f525", new Uint8Array(2 << 20)), "limit", "bad_argument"],
  ["AnimationFrameNegative", () => mf.renderAnimationFrame(spec, -1, 10, 10), "frame: want a frame index", "bad_argument"],
  ["AnimationFrameString", () => mf.renderAnimationFrame(spec, "1", 10, 10), "frame: want a frame index", "bad_argument"],
  ["FinalGIFNoArgs", () => mf.finalGIF(), "want 1 arguments", "bad_argument"],
  ["LoadImageAtSlotTooBig", () => mf.loadImageAt(4, bytes(env.IMAGE)), "slot: want an integer from 0 to 3", "bad_argument"],
  ["LoadImageAtSlotString", () => mf.loadImageAt("1", bytes(env.IMAGE)), "slot: want an integer", "bad_argument"],
  ["LoadImageAtNoBytes", () => mf.loadImageAt(1), "want 2 arguments", "bad_argument"],
  ["LoadImageAtGarbage", () => mf.loadImageAt(1, new TextEncoder().encode("not an image")), "unsupported", "unsupported_format"],
  ["SizeBadSpec", () => mf.size('{"canvas":{"images":[{"x":0,"y":0,"w":1,"h":1,"rotate":45}]},"boxes":[]}'), "rotate", "bad_spec"],
  ["SizeNoArgs", () => mf.size(), "want 1 arguments", "bad_argument"],
  ["LoadImageNoArgs", () => mf.loadImage(), "want 1 arguments", "bad_argument"],
  ["LoadImageString", () => mf.loadImage("x.png"), "want a Uint8Array", "bad_argument"],
  ["LoadImageArrayBuffer", () => mf.loadImage(new ArrayBuffer(8)), "want a Uint8Array", "bad_argument"],
  ["LoadImageEmpty", () => mf.loadImage(new Uint8Array(0)), "empty", "bad_argument"],
  ["LoadImageGarbage", () => mf.loadImage(new TextEncoder().encode("not an image")), "unsupported", "unsupported_format"],
  ["LoadImageTruncated", () => mf.loadImage(bytes(env.IMAGE).slice(0, 100)), "corrupt", "image_corrupt"],
  ["AddFontGarbage", () => mf.addFont("mine", new Uint8Array([1, 2, 3, 4]), false), 'font "mine"', "bad_font"],
  ["AddFontFallbackNotBoolean", () => mf.addFont("x", new Uint8Array(4), "yes"), "fallback: want a boolean", "bad_argument"],
  ["PreviewSpecNotString", () => mf.renderPreview({ boxes: [] }, 10, 10), "specJSON: want a string", "bad_argument"],
  ["PreviewUnknownField", () => mf.renderPreview('{"boxes":[{"text":"a","x":0,"y":0,"w":1,"h":1,"bogus":1}]}', 10, 10), 'unknown field "bogus"', "bad_spec"],
  ["PreviewBadColour", () => mf.renderPreview('{"boxes":[{"text":"a","x":0,"y":0,"w":1,"h":1,"fill":"red"}]}', 10, 10), "boxes[0].fill", "bad_spec"],
  ["PreviewNotJSON", () => mf.renderPreview("{", 10, 10), "spec", "bad_spec"],
  ["PreviewNegativeWidth", () => mf.renderPreview(spec, -1, 10), "width", "bad_argument"],
  ["PreviewFractionalHeight", () => mf.renderPreview(spec, 10, 1.5), "height", "bad_argument"],
  ["PreviewNaNWidth", () => mf.renderPreview(spec, NaN, 10), "width", "bad_argument"],
  ["PreviewHugeWidth", () => mf.renderPreview(spec, 1e9, 10), "width", "bad_argument"],
  ["PreviewWidthAsString", () => mf.renderPreview(spec, "10", 10), "width: want a number", "bad_argument"],
  ["PreviewHaveNegative", () => mf.renderPreview(spec, 10, 10, -1), "have: want a frame number", "bad_argument"],
  ["PreviewHaveString", () => mf.renderPreview(spec, 10, 10, "3"), "have: want a frame number", "bad_argument"],
  ["PreviewFitNotBoolean", () => mf.renderPreview(spec, 10, 10, 1, 2), "fit: want a boolean", "bad_argument"],
  ["PreviewSixArgs", () => mf.renderPreview(spec, 10, 10, 1, true, 2), "want 3 to 5 arguments", "bad_argument"],
  ["PreviewTwoArgs", () => mf.renderPreview(spec, 10), "want 3 to 5 arguments", "bad_argument"],
  ["PreviewUnknownFont", () => mf.renderPreview('{"boxes":[{"text":"a","x":0,"y":0,"w":1,"h":1,"font":"comic"}]}', 10, 10), 'font "comic" is not loaded', "font_not_loaded"],
  ["FontsNeededUnknownFont", () => mf.fontsNeeded('{"boxes":[{"text":"a","x":0,"y":0,"w":1,"h":1,"font":"comic"}]}'), 'font "comic" is not loaded', "font_not_loaded"],
  ["MissingGlyphsNull", () => mf.missingGlyphs(null), "want a string", "bad_argument"],
];
for (const [name, call, want, code] of bad) await check("Rejects" + name, () => rejects(call(), want, code));
await check("TooLargeSaysItsSize", async () => {
  // A PNG header claiming 20000 x 20000 pixels: refused from the header, with the size.
  const h = new Uint8Array(33);
  h.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
  new DataView(h.buffer).setUint32(16, 20000);
  new DataView(h.buffer).setUint32(20, 20000);
  h.set([8, 6, 0, 0, 0], 24);
  let crc = ~0;
  for (const b of h.subarray(12, 29)) { crc ^= b; for (let k = 0; k < 8; k++) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1)); }
  new DataView(h.buffer).setUint32(29, ~crc >>> 0);
  let err;
  try { await mf.loadImage(h); } catch (e) { err = e; }
  assert(err && err.code === "image_too_large" && err.width === 20000 && err.height === 20000, String(err && [err.code, err.width, err.message]));
  await mf.loadImage(bytes(env.IMAGE)); // the image the checks below draw on
});
await check("StillWorksAfterRejections", async () => {
  const r = await mf.renderPreview(spec, 160, 120);
  assert(sha(r.pixels) === env.PREVIEW_SHA256, "preview changed");
});

console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
