// @ts-check
// memeforge page: wires the image input, the caption editor, the render worker, saving and
// sharing, publishing and persistence together. Data flows one way: edits -> spec -> worker ->
// pixels -> canvas.

import { RenderClient } from './render.js';
import { Editor } from './editor.js';
import { defaultSpec, editableSlot, renderSpec, sanitizeSpec, slotCount } from './spec.js';
import { ACCEPT_TYPES, ACCEPTED, InputError, explainDecodeError, firstFile, formatBytes, readImage } from './image-input.js';
import * as store from './storage.js';
import { OFFLINE_MESSAGE, PublishError, publish } from './publish.js';
import * as instrument from './instrument.js';
import * as mymemes from './mymemes.js';
import { Player } from './player.js';
import { fonts as BUNDLED_FONTS, spec as specRules, upload } from './contract.js';
import { emojiFailedMessage, missingMessage } from './glyphs.js';
import { Gallery } from './gallery.js';
import { History } from './history.js';
import { MemeList, thumbnail } from './memes.js';
import { SlotControls, setCuts } from './slots.js';
import { CropMode } from './crop.js';

/** The element with id, which index.html has. @param {string} id */
const $ = (id) => /** @type {HTMLElement} */ (document.getElementById(id));
/** @param {string} id */
const $input = (id) => /** @type {HTMLInputElement} */ ($(id));
/** @param {string} id */
const $button = (id) => /** @type {HTMLButtonElement} */ ($(id));
const els = {
  dropzone: $('dropzone'), stage: $('stage'), canvas: /** @type {HTMLCanvasElement} */ ($('preview')), overlay: $('overlay'),
  busy: $('busy'), imageMsg: $('image-msg'), glyphMsg: $('glyph-msg'), fitMsg: $('fit-msg'),
  stageHint: $('stage-hint'), imageInfo: $('image-info'), fileInput: $input('file-input'),
  cameraInput: $input('camera-input'), fontInput: $input('font-input'), fontMsg: $('font-msg'),
  boxList: $('box-list'), addBox: $button('add-box'), format: /** @type {HTMLSelectElement} */ ($('format')), quality: $input('quality'),
  qualityField: $('quality-field'), download: $button('download'), copy: $button('copy'), share: $button('share'),
  saveMsg: $('save-msg'), publish: $button('publish'), progressWrap: $('publish-progress-wrap'),
  progress: /** @type {HTMLProgressElement} */ ($('publish-progress')), progressLabel: $('publish-progress-label'),
  publishMsg: $('publish-msg'), publishResult: $('publish-result'), publishLink: /** @type {HTMLAnchorElement} */ ($('publish-link')),
  copyLink: $button('copy-link'), net: $('net-status'), veil: $('drop-veil'), template: /** @type {HTMLTemplateElement} */ ($('box-template')),
  animControls: $('anim-controls'), animToggle: $button('anim-toggle'), animScrub: $input('anim-scrub'), animStatus: $('anim-status'),
  animNote: $('anim-note'), gifNote: $('gif-note'),
  undo: $button('undo'), redo: $button('redo'), cropStart: $button('crop-start'), cropView: $('crop-view'), memeList: $('meme-list'), memesCard: $('memes-card'), slotList: $('slot-list'), slotMsg: $('slot-msg'),
};
const ctx2d = /** @type {CanvasRenderingContext2D} */ (els.canvas.getContext('2d'));

// Cropping by hand (crop.js): shown in place of the preview; Apply is one edit of the spec.
const crop = new CropMode({
  root: els.cropView,
  maxHeight: () => previewBox().cssH,
  onOpen: () => {
    els.stage.hidden = true;
    els.stageHint.hidden = true;
    els.cropStart.disabled = true;
    slots.setCropping(crop.slot);
    updateUndoButtons();
  },
  onDraft: (slot, cuts) => slots.showDraft(slot, cuts),
  onApply: (slot, cuts) => {
    if (slot >= slotCount(state.spec)) return;
    setCuts(editableSlot(state.spec, slot), cuts);
    slots.refresh(state.spec);
    fullSize = null;
    requestPreview();
    recordEdit(''); // the whole gesture, however many moves, is one step
    saved();
  },
  onClose: () => {
    els.stage.hidden = !state.image;
    els.stageHint.hidden = !state.image;
    els.cropStart.disabled = false;
    slots.setCropping(-1);
    slots.refresh(state.spec);
    updateUndoButtons();
    layout();
  },
  onError: (message) => setMsg(els.imageMsg, message),
});

const config = { signPath: '/api/sign', maxUploadBytes: upload.defaultMaxBytes };
/** @typedef {{ name: string, label: string }} FontChoice */
/** @type {FontChoice[]} */
const BUILTIN_FONTS = BUNDLED_FONTS.map((f) => ({ name: f.name, label: f.label }));

/** @typedef {{ blob: Blob, type: string, name: string, width: number, height: number, id: string }} LoadedImage */
/** @typedef {import('./publish.js').PublishRecord} PublishRecord */

const state = {
  /** @type {LoadedImage | null} the first slot's image: the meme has one once this is set */
  image: null,
  /** @type {(LoadedImage | null)[]} every slot's image, in slot order */
  images: [],
  /** this meme's key in the list of memes kept on the device */
  id: '',
  title: '',
  created: 0,
  /** @type {Blob | null} */
  thumb: null,
  spec: defaultSpec(),
  selected: 0,
  /** @type {'jpeg' | 'png'} */
  format: 'jpeg',
  quality: 90,
  /** @type {PublishRecord} */
  pub: { original: null, meme: null },
  /** @type {FontChoice[]} */
  userFonts: [],
  /** the animated GIF being shown (player.js plays it), or null for a still image
   *  @type {import('./memeforge').AnimationInfo | null} */
  anim: null,
};

/** @type {RenderClient} */
let renderer;
let rendererReady = false;
let previewSeq = 0;
/** @type {LoadedImage | null} the image whose publish is in flight */
let publishing = null;
let imagesTaken = 0; // files the person has started to open; restore() must not load over them

/** @param {HTMLElement} el @param {string} text @param {'' | 'error' | 'warn' | 'ok'} [kind] */
function setMsg(el, text, kind = '') {
  el.textContent = text || '';
  el.classList.remove('is-error', 'is-warn', 'is-ok');
  if (kind) el.classList.add(`is-${kind}`);
}
/** @param {string} text */
function setBusy(text) {
  els.busy.hidden = !text;
  els.busy.textContent = text || '';
}

// ---- persistence -------------------------------------------------------------------------------

/** The ids of the meme's images, by slot ('' where a slot has none yet): what an undo step keeps of them. */
const imageIds = () => state.images.map((im) => (im ? im.id : ''));

/** @type {History} */
let history = new History(JSON.stringify(state.spec), []);
let thumbs = 0; // thumbnails made, so the list is redrawn only for a new one
let lastListed = '';

const docOf = () => ({
  id: state.id, title: state.title, created: state.created, updated: Date.now(), slots: state.images.length, images: imageIds(),
  spec: state.spec, selected: state.selected, format: state.format, quality: state.quality, pub: state.pub,
  history: history.toJSON(),
});
// The current meme is written twice: under "doc" as it always was, and in the list of memes.
const docSaver = store.saver('doc', () => {
  const doc = docOf();
  // The list is drawn again only when it changes: another meme, or a new thumbnail.
  const listed = `${state.id}|${thumbs}`;
  if (state.id) store.putMeme({ ...doc, thumb: state.thumb }).then(() => { if (listed !== lastListed) { lastListed = listed; showMemes(); } }, (err) => console.warn('memeforge: saving the meme failed:', err));
  return doc;
}, 250, (err) => console.warn('memeforge: saving failed:', err));

function saved() {
  docSaver.schedule();
  updatePublishUI();
}

// ---- undo and redo ------------------------------------------------------------------------------

/** What an edit was, so a burst of the same edit is one undo step. @param {Event | undefined} e */
function editKey(e) {
  if (!e || e.type === 'click') return ''; // add, remove, duplicate: a step each
  const t = /** @type {HTMLElement | null} */ (e.target instanceof HTMLElement ? e.target : null);
  return `${e.type === 'pointermove' ? 'drag' : e.type}:${(t && t.dataset.k) || ''}:${state.selected}`;
}

/** @param {string} key */
function recordEdit(key) {
  const kept = history.referenced().size;
  history.record(JSON.stringify(state.spec), imageIds(), key);
  // An edit after an undo drops the steps undone: an image only they showed can go.
  if (history.referenced().size < kept) pruneImages();
  updateUndoButtons();
}

function updateUndoButtons() {
  els.undo.disabled = !state.image || !history.canUndo || crop.active;
  els.redo.disabled = !state.image || !history.canRedo || crop.active;
}

// Undo and redo run one after another: a step that brings an earlier image back waits for it to
// be read from storage and decoded, and the next press waits for that.
/** @type {Promise<void>} */
let stepping = Promise.resolve();

/** @param {'undo' | 'redo'} which */
function undoRedo(which) {
  if (!state.image) return;
  if (crop.active) { crop.reset(); return; } // while cropping, undo is the crop's own: back to where it started
  stepping = stepping.then(() => applyStep(which));
}

/** @param {'undo' | 'redo'} which */
async function applyStep(which) {
  const id = state.id;
  const step = which === 'undo' ? history.undo() : history.redo();
  if (!step || !state.image) return;
  const cur = imageIds();
  const n = Math.max(step.images.length, cur.length);
  const changed = Array.from({ length: n }, (_, i) => (step.images[i] || '') !== (cur[i] || ''));
  if (changed.some(Boolean)) {
    try {
      await bringBack(id, step.images, changed);
    } catch (err) {
      if (state.id !== id) return;
      if (which === 'undo') history.redo(); else history.undo(); // the list stays where the meme is
      updateUndoButtons();
      setMsg(els.imageMsg, `Couldn't ${which} the change of image: ${messageOf(err)}. Your meme is as it was.`);
      return;
    }
  }
  if (state.id !== id) return; // another meme was opened meanwhile
  state.spec = sanitizeSpec(JSON.parse(step.spec));
  if (changed.some(Boolean)) {
    showImage();
    const names = changed.map((c, i) => (c && state.images[i] ? `image ${i + 1} is ${/** @type {LoadedImage} */ (state.images[i]).name}` : '')).filter(Boolean);
    setMsg(els.slotMsg, `${which === 'undo' ? 'Undone' : 'Redone'}: ${names.join(', ') || 'an image was taken out'}.`);
  } else {
    editor.setSpec(state.spec, state.selected);
    slots.refresh(state.spec);
  }
  updateUndoButtons();
  requestPreview();
  saved();
}

/** Puts the images an undo step was shown with back into their slots, from storage.
 *  @param {string} id the meme's @param {string[]} want image ids by slot @param {boolean[]} changed */
async function bringBack(id, want, changed) {
  /** @type {{ slot: number, bytes: Uint8Array, image: LoadedImage }[]} */
  const changes = [];
  /** @type {(LoadedImage | null)[]} */
  const next = [];
  for (let i = 0; i < changed.length; i++) {
    next[i] = changed[i] ? null : state.images[i] || null;
    if (!changed[i] || !want[i]) continue;
    const rec = await store.getImage(id, want[i]).catch(() => null);
    if (!rec || !(rec.blob instanceof Blob)) throw new Error('the earlier image is no longer kept on this device');
    changes.push({ slot: i, bytes: new Uint8Array(await rec.blob.arrayBuffer()), image: rec });
    next[i] = rec;
  }
  if (state.id !== id) return;
  if (changed.every((c, i) => !c || want[i])) { await putSlots(changes); return; }
  // A slot goes back to having no image: the renderer can only be given the whole set again.
  while (next.length > 1 && !next[next.length - 1]) next.pop();
  const firstImage = next.find(Boolean);
  if (!firstImage) throw new Error('that step had no image');
  try {
    const first = await loadAll(next);
    if (first) showAnimationState(first, firstImage.name);
  } catch (err) {
    loadAll(state.images).then(() => requestPreview(), () => {});
    throw err;
  }
  state.images = next;
  state.image = next[0] || firstImage;
  state.pub = { original: null, meme: null };
  fullSize = null;
}

// Every image a meme's record or its undo list refers to is kept in storage (storage.js, by id);
// the rest are deleted. A deletion waits for the writes asked for before it.
/** @type {Promise<unknown>} */
let imageWrites = Promise.resolve();

/** Writes an image of the meme being edited. @param {LoadedImage} im @returns {Promise<unknown>} */
function keepImage(im) {
  const p = store.putImage(state.id, im);
  imageWrites = imageWrites.then(() => p.catch(() => {}));
  return p;
}

/** Deletes the meme's images that no step of its undo list shows any more. */
function pruneImages() {
  const id = state.id;
  if (!id) return;
  const keep = new Set([...history.referenced(), ...imageIds().filter(Boolean)]);
  imageWrites = imageWrites.then(() => store.keepImages(id, keep)).catch((err) => console.warn('memeforge: tidying the kept images failed:', err));
}

function wireUndo() {
  els.undo.addEventListener('click', () => undoRedo('undo'));
  els.redo.addEventListener('click', () => undoRedo('redo'));
  document.addEventListener('keydown', (e) => {
    if (!(e.ctrlKey || e.metaKey) || e.altKey) return;
    const k = e.key.toLowerCase();
    const which = k === 'z' ? (e.shiftKey ? 'redo' : 'undo') : k === 'y' && !e.shiftKey ? 'redo' : null;
    if (!which || !state.image || (document.querySelector('dialog[open]'))) return;
    // Ours, not the text field's own: one history for every kind of edit.
    e.preventDefault();
    undoRedo(which);
  });
}

// ---- the editor --------------------------------------------------------------------------------

const editor = new Editor({
  list: els.boxList, overlay: els.overlay, template: els.template, addButton: els.addBox,
  onChange: (event) => { requestPreview(event); recordEdit(editKey(event)); saved(); },
  onSelect: (i) => { state.selected = i; docSaver.schedule(); },
});

function fontList() {
  return [...BUILTIN_FONTS, ...state.userFonts];
}

// ---- preview -----------------------------------------------------------------------------------

// On narrow screens the preview sticks to the top while captions are edited below: keep it short.
// One query list, read on every preview, not a new one per keystroke.
const narrowScreen = window.matchMedia('(max-width: 900px)');

// The box the preview may fill: the column's width and a share of the window's height. The worker
// fits the meme's own shape (memeforge.size: a canvas's depends on its images and its caption bar)
// into it, in device pixels, never above the final size.
function previewBox() {
  const avail = /** @type {HTMLElement} */ (els.stage.parentElement).clientWidth;
  const narrow = narrowScreen.matches;
  const maxH = narrow ? Math.max(160, window.innerHeight * 0.42) : Math.max(240, window.innerHeight * 0.72);
  const dpr = window.devicePixelRatio || 1;
  return { cssW: Math.max(1, avail), cssH: maxH, w: Math.max(1, Math.round(avail * dpr)), h: Math.max(1, Math.round(maxH * dpr)) };
}

/** The pixel size of a one-image meme's preview (an animation's frames): the image's shape in the
 *  preview box, never larger than the image. */
function previewSize() {
  const img = /** @type {LoadedImage} */ (state.image);
  const box = previewBox();
  const aspect = img.width / img.height;
  const cssW = Math.max(1, Math.min(box.cssW, box.cssH * aspect));
  const dpr = window.devicePixelRatio || 1;
  const w = Math.max(1, Math.round(Math.min(cssW * dpr, img.width)));
  return { w, h: Math.max(1, Math.round(w / aspect)) };
}

/** the meme's final size, from the last preview; the image's until then @type {{ width: number, height: number } | null} */
let fullSize = null;
function fitCSS() {
  const full = fullSize || (state.image && state.images.length === 1 ? state.image : null);
  if (!full) return;
  const box = previewBox();
  const s = Math.min(box.cssW / full.width, box.cssH / full.height);
  els.canvas.style.width = `${full.width * s}px`;
  els.canvas.style.height = `${full.height * s}px`;
}

let lastPixelSize = '';
function layout() {
  if (!state.image) return;
  crop.layout();
  fitCSS();
  const { w, h } = previewBox();
  const key = `${w}x${h}`;
  if (key !== lastPixelSize) {
    lastPixelSize = key;
    requestPreview();
  }
}

// At most one preview is in flight; edits made meanwhile collapse into one pending request that
// is sent, with the spec as it is then, when the worker answers. The worker also drops stale
// previews queued behind other work. So a burst of edits costs one or two renders, and the newest
// edit always wins.
let inflight = false;
/** @type {{ start: number } | null} the oldest edit not yet sent */
let pending = null;

/** @param {Event} [cause] */
function requestPreview(cause) {
  if (!state.image || !rendererReady) return;
  const start = cause && cause.timeStamp ? cause.timeStamp : performance.now();
  if (state.anim) { player.refresh(start); return; }
  if (!pending) pending = { start };
  if (!inflight) sendPreview();
}

function sendPreview() {
  const { start } = /** @type {{ start: number }} */ (pending);
  pending = null;
  inflight = true;
  const seq = ++previewSeq;
  const rs = renderSpec(state.spec);
  const { w, h } = previewBox();
  const sent = performance.now();
  renderer.call('preview', { spec: rs.json, width: w, height: h, have: shownFrame, fit: true }).then((r) => {
    if (state.anim) return; // an animation was opened meanwhile: the player owns the canvas
    const received = performance.now();
    if (r.full && (!fullSize || fullSize.width !== r.full.width || fullSize.height !== r.full.height)) {
      fullSize = r.full;
      fitCSS();
    }
    draw(r);
    previewShown();
    scheduleThumb();
    reportGlyphs(r.missing);
    reportOverflow(r.overflow, rs.index);
    setMsg(els.imageMsg, '');
    if (instrument.on()) {
      const drawn = performance.now();
      requestAnimationFrame(() => instrument.emit('preview', {
        seq, start, sent, received, drawn, frame: performance.now(), renderMs: r.renderMs, width: r.width, height: r.height,
        changed: r.changed.width * r.changed.height, spec: rs.json, calls: r.calls, missing: r.missing,
      }));
    }
  }, (err) => {
    setMsg(els.imageMsg, `The preview failed: ${err.message}`);
  }).finally(() => {
    inflight = false;
    if (pending && state.image && rendererReady && !state.anim) sendPreview();
  });
}

// The renderer's number for the frame on the canvas (0: none). It is sent with each preview
// request, so the answer carries only the part that changed since, not the whole image.
let shownFrame = 0;
// The canvas lost its pixels (resized, or its context restored blank after a GPU reset): until a
// whole frame is drawn, a patch, even one answering a request sent before, would leave holes.
let canvasBlank = false;
els.canvas.addEventListener('contextrestored', () => { canvasBlank = true; shownFrame = 0; requestPreview(); });

/** @param {import('./messages').PreviewReply} r */
function draw(r) {
  const c = r.changed;
  if (els.canvas.width !== r.width || els.canvas.height !== r.height) {
    els.canvas.width = r.width;
    els.canvas.height = r.height;
    canvasBlank = true;
  }
  if (canvasBlank && (c.width !== r.width || c.height !== r.height)) {
    shownFrame = 0;
    requestPreview();
    return;
  }
  canvasBlank = false;
  if (c.width > 0 && c.height > 0) {
    ctx2d.putImageData(new ImageData(r.pixels, c.width, c.height), c.x, c.y);
  }
  shownFrame = r.frame;
}

// An animated GIF plays through the player (player.js): whole frames, one request at a time.
/** @type {{ json: string, index: number[] }} the spec of the frame being rendered */
let frameSpec = { json: '', index: [] };
const player = new Player({
  ctx: ctx2d,
  controls: { root: els.animControls, toggle: els.animToggle, scrub: els.animScrub, status: els.animStatus },
  render: (frame) => {
    frameSpec = renderSpec(state.spec);
    const { w, h } = previewSize();
    return renderer.call('frame', { spec: frameSpec.json, frame, width: w, height: h });
  },
  onFrame: (r, d) => {
    shownFrame = 0; // the still-image renderer's last frame is no longer on the canvas
    canvasBlank = false;
    reportGlyphs(r.missing);
    reportOverflow(r.overflow, frameSpec.index);
    if (els.imageMsg.textContent.startsWith('The preview failed')) setMsg(els.imageMsg, '');
    instrument.emit('frame', { ...d, width: r.width, height: r.height, spec: frameSpec.json, calls: r.calls });
  },
  onError: (err) => setMsg(els.imageMsg, `The preview failed: ${err.message}`),
});

let fontsLoading = '';
let emojiLoading = 0;
/** @param {string[]} missing */
function reportGlyphs(missing) {
  if (fontsLoading || emojiLoading) return;
  setMsg(els.glyphMsg, missingMessage(missing));
}

/** @param {number[]} overflow @param {number[]} index */
function reportOverflow(overflow, index) {
  if (!overflow || !overflow.length) { setMsg(els.fitMsg, ''); return; }
  const names = overflow.map((i) => `caption ${(index[i] ?? i) + 1}`);
  setMsg(els.fitMsg, `The text of ${names.join(', ')} doesn't fit its box even at the smallest size: make the box bigger or the text shorter.`);
}

/** @param {import('./messages').ClientEvent} m */
function onWorkerEvent(m) {
  if (m.event === 'fonts') {
    if ('loading' in m && m.loading) {
      fontsLoading = m.loading;
      setMsg(els.glyphMsg, `Loading extra fonts for characters ${BUILTIN_FONTS[0].label.replace(/ \(.*/, '')} doesn’t have…`);
    } else if ('failed' in m) {
      setMsg(els.glyphMsg, `Couldn't load the extra font ${m.failed} (${m.error}); some characters may be missing.`, 'warn');
    } else {
      fontsLoading = '';
    }
  } else if (m.event === 'emoji') {
    if ('failed' in m) {
      setMsg(els.glyphMsg, emojiFailedMessage(m.failed, m.error), 'warn');
    } else {
      emojiLoading = m.loading;
      if (m.loading && !fontsLoading) setMsg(els.glyphMsg, 'Loading emoji…');
    }
  } else if (m.event === 'failed' || m.event === 'exited') {
    rendererReady = false;
    setMsg(els.imageMsg, `The renderer stopped${'error' in m ? `: ${m.error}` : ''}. Reload the page; your work is saved.`);
  }
}

// ---- getting an image in -----------------------------------------------------------------------

const randomId = () => Array.from(crypto.getRandomValues(new Uint8Array(8)), (b) => b.toString(16).padStart(2, '0')).join('');

/** Loads bytes of type into the renderer: into slot (0..3) of a canvas as a still, keeping the
 *  others; as the first and only image (slot -1: the others are dropped), a GIF with all its frames (an animation when it has more than one; pass type ''
 *  to load a GIF as a still, as a multi-image meme does), anything else as a still.
 *  @param {Uint8Array} bytes @param {string} type @param {number} [slot]
 *  @returns {Promise<{ width: number, height: number, anim: import('./memeforge').AnimationInfo | null, firstFrameOnly: boolean }>} */
async function loadIntoRenderer(bytes, type, slot = -1) {
  const copy = bytes.slice(); // the page keeps its own bytes for publishing and saving
  if (slot >= 0) {
    const info = await renderer.call('loadImageAt', { slot, bytes: copy }, [copy.buffer]);
    return { width: info.width, height: info.height, anim: null, firstFrameOnly: info.animated && info.firstFrameOnly };
  }
  if (type === 'image/gif') {
    const a = await renderer.call('loadAnimation', { bytes: copy }, [copy.buffer]);
    return { width: a.width, height: a.height, anim: a.frames > 1 ? a : null, firstFrameOnly: false };
  }
  const info = await renderer.call('loadImage', { bytes: copy }, [copy.buffer]);
  return { width: info.width, height: info.height, anim: null, firstFrameOnly: info.animated && info.firstFrameOnly };
}

/** Shows (or hides) what is special about the image: it plays, or only its first frame is used.
 *  @param {{ anim: import('./memeforge').AnimationInfo | null, firstFrameOnly: boolean }} info @param {string} name */
function showAnimationState(info, name) {
  state.anim = info.anim;
  if (!info.anim) player.stop();
  setMsg(els.animNote, info.firstFrameOnly
    ? `“${name}” is an animation; memeforge uses only its first frame (only GIFs play here).`
    : '', info.firstFrameOnly ? 'warn' : '');
  els.gifNote.hidden = !info.anim;
  /** @type {HTMLElement} */ (els.format.closest('label')).hidden = !!info.anim;
  updateQualityField();
}

/** Puts a meme's images back into the renderer, slot by slot. @param {(LoadedImage | null)[]} images */
async function loadAll(images) {
  // Only a one-image meme plays a GIF; in a canvas of several it is a still.
  const single = images.filter(Boolean).length === 1 && images.length === 1;
  /** @type {Awaited<ReturnType<typeof loadIntoRenderer>> | null} */
  let first = null;
  for (let i = 0; i < images.length; i++) {
    const im = images[i];
    if (!im) continue;
    const info = await loadIntoRenderer(new Uint8Array(await im.blob.arrayBuffer()), single ? im.type : '', i === 0 ? -1 : i);
    if (i === 0) first = info;
  }
  return first;
}

/** An image's id: a hash of its bytes and its name (the page shows the name), the first 128 bits of
 *  SHA-256, so the same file chosen again is the same image and is kept once; random where the page
 *  has no crypto.subtle (plain http). @param {Uint8Array} bytes @param {string} name */
async function contentId(bytes, name) {
  if (!crypto.subtle) return randomId();
  const hex = (/** @type {ArrayBuffer} */ d) => Array.from(new Uint8Array(d).subarray(0, 16), (b) => b.toString(16).padStart(2, '0')).join('');
  const of = hex(await crypto.subtle.digest('SHA-256', /** @type {Uint8Array<ArrayBuffer>} */ (bytes)));
  return hex(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(`${of}/${name}`)));
}

/** @param {{ bytes: Uint8Array, type: string, name: string }} img @param {{ width: number, height: number }} info @returns {Promise<LoadedImage>} */
const loaded = async (img, info) => ({ blob: new Blob([/** @type {Uint8Array<ArrayBuffer>} */ (img.bytes)], { type: img.type }), type: img.type, name: img.name, width: info.width, height: info.height, id: await contentId(img.bytes, img.name) });

/** Makes a new meme, whose images are in the renderer already, the one being edited; the one
 *  before stays in the list. It is shown (its first preview, or an animation's first frame,
 *  asked of the worker) before it is saved, so the worker renders while the page writes.
 *  @param {LoadedImage[]} images @param {import('./spec.js').EditorSpec} spec @param {string} title
 *  @param {import('./memeforge').AnimationInfo | null} [anim] the animation to play */
function startMeme(images, spec, title, anim = null) {
  docSaver.flush(); // the last edits of the meme before go to its own record first
  state.id = randomId();
  state.created = Date.now();
  state.title = title;
  state.thumb = null;
  state.images = images;
  state.image = images[0];
  state.spec = spec;
  state.selected = 0;
  state.pub = { original: null, meme: null };
  state.format = images[0].type === 'image/png' || images[0].type === 'image/gif' ? 'png' : 'jpeg';
  els.format.value = state.format;
  updateQualityField();
  history = new History(JSON.stringify(state.spec), imageIds());
  fullSize = null;
  showImage();
  if (anim) player.load(anim);
  const failed = (/** @type {unknown} */ err) => setMsg(els.imageMsg, `This image won't be kept after a reload (${messageOf(err)}).`);
  images.forEach((im) => keepImage(im).catch(failed));
  store.put('current', state.id).catch(() => {});
  // The document goes with the image at once, not 250 ms later: a new image restored with the old
  // document would get the old captions and the old publish record, and Publish would skip its
  // original as already uploaded.
  docSaver.schedule();
  docSaver.flush();
  setMsg(els.publishMsg, '');
  els.publishResult.hidden = true;
  els.progressWrap.hidden = true; // a publish of the last image may still run; it no longer shows
}

/** A template from the gallery, with its images (the person's own, or the starter's).
 *  @param {import('./gallery.js').Picked} p */
async function applyTemplate(p) {
  imagesTaken++;
  /** @type {LoadedImage[]} */
  const images = [];
  try {
    for (let i = 0; i < p.images.length; i++) {
      const info = await loadIntoRenderer(p.images[i].bytes, '', i === 0 ? -1 : i);
      images.push(await loaded(p.images[i], info));
    }
  } catch (err) {
    if (state.image) loadAll(state.images).then(() => requestPreview(), () => {});
    const name = p.images[images.length] ? p.images[images.length].name : p.title;
    throw new Error(explainDecodeError(name, /** @type {import('./render.js').RenderError} */ (err)));
  }
  startMeme(images, sanitizeSpec(p.spec), p.title);
  const first = els.boxList.querySelector('textarea');
  if (first) first.focus({ preventScroll: true });
}

/** Reads a file the person chose; a file that can't be read says why under the image and gives null.
 *  @param {File} file */
async function readChosen(file) {
  setMsg(els.imageMsg, '');
  try {
    return await readImage(file, config.maxUploadBytes);
  } catch (err) {
    setMsg(els.imageMsg, err instanceof InputError ? err.message : `Couldn't read the file: ${messageOf(err)}`);
    return null;
  }
}

/** Puts images into slots of the meme being edited, the renderer's first, then the page's; the
 *  other slots keep theirs. A one-image meme's image may be an animation. If one can't be loaded,
 *  the renderer gets the meme's images back, the meme is unchanged and the error is thrown.
 *  @param {{ slot: number, bytes: Uint8Array, image: LoadedImage }[]} changes */
async function putSlots(changes) {
  if (!changes.length) return;
  const single = slotCount(state.spec) === 1; // its image may play; replacing it replaces all the renderer has
  const next = state.images.slice();
  /** @type {Awaited<ReturnType<typeof loadIntoRenderer>> | null} */
  let first = null;
  player.hold(); // frames of the old image would only delay the new one
  try {
    for (const c of changes) {
      const info = await loadIntoRenderer(c.bytes, single ? c.image.type : '', single ? -1 : c.slot);
      while (next.length < c.slot) next.push(null);
      next[c.slot] = { ...c.image, width: info.width, height: info.height };
      if (single) first = info;
    }
  } catch (err) {
    // The meme is unchanged and the canvas still shows it: no new preview, which would also clear
    // the message saying why.
    loadAll(state.images).catch(() => {}).finally(() => player.release());
    throw err;
  }
  state.images = next;
  state.image = /** @type {LoadedImage} */ (next[0]);
  state.pub = { original: null, meme: null }; // another original: publish it again
  fullSize = null;
  if (first) {
    showAnimationState(first, state.image.name);
    if (first.anim) { player.load(first.anim); return; }
  }
  player.release();
}

/** A new image for one slot of the meme being edited: one undo step, which also forgets the old
 *  image's crop and turn (they were for that picture). @param {number} slot @param {File} file */
async function replaceSlot(slot, file) {
  const img = await readChosen(file);
  if (!img || !state.image || slot >= slotCount(state.spec)) return;
  const id = state.id;
  crop.cancel();
  try {
    const image = await loaded(img, { width: 0, height: 0 });
    if (state.id !== id) return;
    await putSlots([{ slot, bytes: img.bytes, image }]);
  } catch (err) {
    setMsg(els.imageMsg, explainDecodeError(img.name, /** @type {import('./render.js').RenderError} */ (err)));
    return;
  }
  const im = /** @type {LoadedImage} */ (state.images[slot]);
  keepImage(im).catch((err) => setMsg(els.imageMsg, `The new image won't be kept after a reload (${messageOf(err)}).`));
  const s = state.spec.canvas && state.spec.canvas.images && state.spec.canvas.images[slot];
  if (s) { delete s.crop; delete s.rotate; }
  recordEdit('');
  pruneImages();
  showImage();
  saved();
  setMsg(els.slotMsg, `Replaced image ${slot + 1} with ${im.name}. Undo brings the earlier one back.`, 'ok');
}

// ---- the memes kept on this device ---------------------------------------------------------------

const memeList = new MemeList({ list: els.memeList, onOpen: (id) => openMeme(id), onDelete: (id) => deleteMeme(id) });

function showMemes() {
  store.allMemes().then((ms) => {
    els.memesCard.hidden = ms.length === 0;
    memeList.show(ms, state.id);
  }, () => {});
}

let thumbTimer = 0;
// The list's thumbnail follows the preview, a moment after it settles; a meme the list shows with
// no thumbnail yet (just made, or opened from before thumbnails) gets one at once.
function scheduleThumb() {
  clearTimeout(thumbTimer);
  const id = state.id;
  thumbTimer = window.setTimeout(() => thumbnail(els.canvas).then((b) => {
    if (b && id === state.id) { state.thumb = b; thumbs++; docSaver.schedule(); }
  }), state.thumb ? 1500 : 100);
}

/** The ids of a saved meme's images, slot by slot; null for a record from before images were kept
 *  by id (they are kept by slot). @param {any} rec @returns {string[] | null} */
function recordImageIds(rec) {
  const n = Math.max(1, Number(rec.slots) || 1);
  return Array.isArray(rec.images) && rec.images.length === n && rec.images.every((/** @type {unknown} */ x) => typeof x === 'string') ? rec.images : null;
}

/** A saved meme's images, slot by slot (null: missing). @param {any} rec
 *  @returns {Promise<(LoadedImage | null)[]>} */
function recordImages(rec) {
  const n = Math.max(1, Number(rec.slots) || 1);
  const ids = recordImageIds(rec);
  return Promise.all(Array.from({ length: n }, (_, i) => (ids ? (ids[i] ? store.getImage(rec.id, ids[i]) : Promise.resolve(null)) : store.getSlotImage(rec.id, i))
    .then((x) => x || null, () => null)));
}

/** Opens a saved meme (or says why not); true when it is shown.
 *  @param {any} rec the record in the list @param {boolean} [starting] restoring at start: an image
 *  the person chose meanwhile wins @param {Promise<(LoadedImage | null)[]>} [imagesRead] its images,
 *  when their read has started already @returns {Promise<boolean>} */
async function openRecord(rec, starting = false, imagesRead = recordImages(rec)) {
  const images = await imagesRead;
  if (!images[0] || !images[0].blob) return false;
  for (const im of images) if (im) { const b = im.blob; if (!(b instanceof Blob)) return false; }
  if (starting && imagesTaken) return false; // asked again after the awaits, just before the renderer is
  const first = await loadAll(images);
  state.id = rec.id;
  state.title = rec.title || '';
  state.created = rec.created || Date.now();
  state.thumb = rec.thumb instanceof Blob ? rec.thumb : null;
  state.images = images;
  state.image = images[0];
  state.spec = sanitizeSpec(rec.spec);
  state.selected = Number.isInteger(rec.selected) ? rec.selected : 0;
  state.format = rec.format === 'png' ? 'png' : 'jpeg';
  state.quality = Number.isFinite(rec.quality) ? rec.quality : 90;
  state.pub = rec.pub && typeof rec.pub === 'object' ? rec.pub : { original: null, meme: null };
  els.format.value = state.format;
  els.quality.value = String(state.quality);
  updateQualityField();
  images.forEach((im) => { if (im && typeof im.id !== 'string') im.id = randomId(); });
  history = new History(JSON.stringify(state.spec), imageIds(), rec.history);
  fullSize = null;
  store.put('current', state.id).catch(() => {});
  if (recordImageIds(rec)) pruneImages(); // what an older page kept by slot, and what the undo list let go of
  else { for (const im of images) if (im) keepImage(im).catch(() => {}); docSaver.schedule(); } // kept by id from now on
  if (first) showAnimationState(first, images[0].name);
  showImage();
  if (first && first.anim) player.load(first.anim);
  return true;
}

/** @param {string} id */
async function openMeme(id) {
  docSaver.flush();
  try {
    const rec = await store.getMeme(id);
    if (!rec || !(await openRecord(rec))) setMsg(els.imageMsg, 'That meme could not be opened: its images are missing.');
    else { setMsg(els.publishMsg, ''); els.progressWrap.hidden = true; }
  } catch (err) {
    setMsg(els.imageMsg, `That meme could not be opened (${messageOf(err)}).`);
  }
  showMemes();
}

/** @param {string} id */
async function deleteMeme(id) {
  await store.deleteMeme(id).catch(() => {});
  if (id === state.id) {
    const rest = (await store.allMemes().catch(() => [])).sort((a, b) => b.updated - a.updated);
    state.id = '';
    let shown = false;
    for (const rec of rest) if ((shown = await openRecord(rec))) break;
    if (!shown) showEmpty();
  }
  showMemes();
  const next = /** @type {HTMLElement | null} */ (els.memeList.querySelector('.meme-open'));
  (next || els.addBox).focus();
}

function showEmpty() {
  crop.cancel();
  state.image = null;
  state.images = [];
  state.id = '';
  store.put('current', '').catch(() => {});
  document.body.classList.add('empty');
  els.dropzone.hidden = false;
  els.stage.hidden = true;
  els.stageHint.hidden = true;
  for (const b of [els.download, els.copy, els.share, els.publish]) b.disabled = true;
  document.documentElement.dataset.image = '';
  updateUndoButtons();
}

/** @param {File} file */
async function takeFile(file) {
  const img = await readChosen(file);
  if (!img) return;
  setBusy(`Opening ${img.name}…`);
  imagesTaken++;
  let info;
  const t0 = performance.now();
  player.hold(); // frames of the old image would only delay the new one
  try {
    info = await loadIntoRenderer(img.bytes, img.type);
    instrument.emit('image', { width: info.width, height: info.height, loadMs: performance.now() - t0 });
    if (info.anim) instrument.emit('animation', { frames: info.anim.frames, width: info.width, height: info.height, startedAt: t0, loadMs: performance.now() - t0 });
  } catch (err) {
    setBusy('');
    setMsg(els.imageMsg, explainDecodeError(img.name, /** @type {import('./render.js').RenderError} */ (err)));
    // The renderer may have dropped the previous images; give them back so the preview keeps working.
    if (state.image) {
      loadAll(state.images).then(() => requestPreview(), () => {}).finally(() => player.release());
    } else {
      player.release();
    }
    return;
  }
  setBusy('');
  // Before startMeme draws: a still must not find the last image's animation in state.anim.
  showAnimationState(info, img.name);
  startMeme([await loaded(img, info)], defaultSpec(), img.name, info.anim);
  // Hand the keyboard to the first caption so typing starts right away.
  const first = els.boxList.querySelector('textarea');
  if (first) first.focus({ preventScroll: true });
}

/** Opens the crop mode for one image. @param {number} slot @param {HTMLElement | null} opener */
function startCrop(slot, opener) {
  const im = state.images[slot];
  if (!im) { setMsg(els.imageMsg, `Image ${slot + 1} has no picture yet: choose one with Replace first.`); return; }
  const s = (state.spec.canvas && state.spec.canvas.images && state.spec.canvas.images[slot]) || { x: 0, y: 0, w: 1, h: 1 };
  setMsg(els.imageMsg, '');
  crop.open(slot, im, s, slotCount(state.spec) === 1 ? 'Crop the image' : `Crop image ${slot + 1}`, opener);
}

function showImage() {
  const img = /** @type {LoadedImage} */ (state.image);
  crop.cancel(); // another image, or another meme: the rectangle was for the last one
  setMsg(els.slotMsg, '');
  els.cropStart.hidden = slotCount(state.spec) !== 1;
  document.body.classList.remove('empty');
  els.dropzone.hidden = true;
  els.stage.hidden = false;
  els.stageHint.hidden = false;
  const n = slotCount(state.spec);
  els.imageInfo.textContent = n === 1 && !state.spec.canvas ? `${img.name} — ${img.width} × ${img.height}, ${formatBytes(img.blob.size)}`
    : `${state.title || img.name}: ${n === 1 ? 'one image' : `${n} images`}`;
  slots.set(state.spec, Array.from({ length: n }, (_, i) => (state.images[i] ? state.images[i].name : '')));
  updateUndoButtons();
  editor.setFonts(fontList());
  editor.setSpec(state.spec, state.selected);
  lastPixelSize = '';
  layout();
  for (const b of [els.download, els.copy, els.share, els.publish]) b.disabled = false;
  updatePublishUI();
  document.documentElement.dataset.image = 'loaded';
}

function wireImageInput() {
  els.fileInput.accept = ACCEPT_TYPES;
  document.querySelectorAll('.accepted-formats').forEach((el) => { el.textContent = ACCEPTED; });
  document.querySelectorAll('[data-pick]').forEach((b) => b.addEventListener('click', () => $(/** @type {HTMLElement} */ (b).dataset.pick || '').click()));
  for (const input of [els.fileInput, els.cameraInput]) {
    input.addEventListener('change', () => {
      const f = input.files && input.files[0];
      input.value = '';
      if (f) takeFile(f);
    });
  }
  els.cropStart.addEventListener('click', () => startCrop(0, els.cropStart));
  // Into an image's card (dropped on it, or pasted while it has the focus): that image is replaced,
  // as its Replace button does; anywhere else: a new meme.
  const slotAt = (/** @type {EventTarget | null} */ t) => {
    const card = t instanceof Element ? /** @type {HTMLElement | null} */ (t.closest('#slot-list .slot-card')) : null;
    return card && state.image ? Number(card.dataset.slot) : -1;
  };
  document.addEventListener('paste', (e) => {
    const f = firstFile(e.clipboardData);
    if (!f) return; // plain text pastes into a caption as usual
    e.preventDefault();
    const slot = slotAt(document.activeElement);
    if (slot >= 0) replaceSlot(slot, f); else takeFile(f);
  });
  let depth = 0;
  const hasFiles = (/** @type {DragEvent} */ e) => e.dataTransfer && Array.from(e.dataTransfer.types || []).includes('Files');
  document.addEventListener('dragenter', (e) => { if (hasFiles(e)) { depth++; els.veil.hidden = false; } });
  document.addEventListener('dragleave', (e) => { if (hasFiles(e) && --depth <= 0) { depth = 0; els.veil.hidden = true; mark(null); } });
  const veilText = /** @type {HTMLElement} */ (els.veil.querySelector('p'));
  /** @type {HTMLElement | null} */
  let target = null;
  const mark = (/** @type {HTMLElement | null} */ card) => {
    if (card === target) return;
    if (target) target.classList.remove('drop-target');
    target = card;
    if (card) card.classList.add('drop-target');
    veilText.textContent = card ? `Drop to replace image ${Number(card.dataset.slot) + 1}` : 'Drop the image to start a new meme';
  };
  document.addEventListener('dragover', (e) => {
    if (!hasFiles(e) || !e.dataTransfer) return;
    e.preventDefault();
    e.dataTransfer.dropEffect = 'copy';
    const slot = slotAt(e.target);
    mark(slot >= 0 ? els.slotList.querySelector(`.slot-card[data-slot="${slot}"]`) : null);
  });
  document.addEventListener('drop', (e) => {
    if (!hasFiles(e)) return;
    e.preventDefault();
    depth = 0;
    els.veil.hidden = true;
    mark(null);
    const f = firstFile(e.dataTransfer);
    const slot = slotAt(e.target);
    if (f) { if (slot >= 0) replaceSlot(slot, f); else takeFile(f); }
  });
}

// ---- user fonts --------------------------------------------------------------------------------

/** @param {Uint8Array} b */
function isFontFile(b) {
  const tag = String.fromCharCode(...b.subarray(0, 4));
  return (b[0] === 0 && b[1] === 1 && b[2] === 0 && b[3] === 0) || tag === 'OTTO' || tag === 'true';
}

/** @param {string} name @param {string} label @param {Uint8Array} bytes */
async function addUserFont(name, label, bytes) {
  const copy = bytes.slice();
  const res = await renderer.call('addFont', { name, bytes: copy, fallback: false }, [copy.buffer]);
  const entry = { name, label: label || (res && res.family) || name };
  state.userFonts = state.userFonts.filter((f) => f.name !== name).concat(entry);
  editor.setFonts(fontList());
  return entry;
}

function wireFonts() {
  els.fontInput.addEventListener('change', async () => {
    const f = els.fontInput.files && els.fontInput.files[0];
    els.fontInput.value = '';
    if (!f) return;
    setMsg(els.fontMsg, '');
    if (f.size > specRules.maxFontBytes) { setMsg(els.fontMsg, `“${f.name}” is ${formatBytes(f.size)}; fonts up to ${formatBytes(specRules.maxFontBytes)} can be loaded.`, 'error'); return; }
    const bytes = new Uint8Array(await f.arrayBuffer());
    if (bytes.length < 12 || !isFontFile(bytes)) { setMsg(els.fontMsg, `“${f.name}” isn't a TrueType or OpenType font (.ttf or .otf).`, 'error'); return; }
    const base = f.name.replace(/\.[^.]*$/, '');
    const name = `user-${base.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'font'}`;
    try {
      const entry = await addUserFont(name, '', bytes);
      store.putFont({ name, label: entry.label, bytes: new Blob([bytes]) }).catch(() => {});
      const b = state.spec.boxes[state.selected];
      if (b) { b.font = name; editor.setSpec(state.spec, state.selected); requestPreview(); recordEdit(''); saved(); }
      setMsg(els.fontMsg, `Loaded ${entry.label}${b ? `; caption ${state.selected + 1} uses it now` : ''}.`, 'ok');
    } catch (err) {
      setMsg(els.fontMsg, `“${f.name}” can't be used as a font: ${messageOf(err)}`, 'error');
    }
  });
}

// ---- download, copy, share ---------------------------------------------------------------------

function updateQualityField() {
  els.qualityField.hidden = state.format !== 'jpeg' || !!state.anim;
}

/** What Download, Share and Publish make: an animated GIF stays one. @returns {'jpeg' | 'png' | 'gif'} */
const outFormat = () => (state.anim ? 'gif' : state.format);

/** @param {'jpeg' | 'png' | 'gif'} format */
function fileName(format) {
  const base = (state.image ? state.image.name : 'meme').replace(/\.[^.]*$/, '').replace(/[^\w.-]+/g, '-').slice(0, 60) || 'meme';
  return `meme-${base}.${format === 'jpeg' ? 'jpg' : format}`;
}

/** @param {'jpeg' | 'png' | 'gif'} format */
async function renderFinal(format) {
  const rs = renderSpec(state.spec);
  const t0 = performance.now();
  const reply = await renderer.call('final', { spec: rs.json, format, quality: state.quality / 100 });
  const blob = reply.blob ?? await encodeOnPage(/** @type {Uint8ClampedArray<ArrayBuffer>} */ (reply.pixels), reply.width, reply.height, reply.type, state.quality / 100);
  const r = { ...reply, blob };
  const totalMs = performance.now() - t0;
  if (instrument.on()) {
    // The WASM memory never shrinks, so its size after a final render is the worker's peak so far.
    const { wasmBytes } = await renderer.call('stats', {});
    instrument.emit('final', { format, width: r.width, height: r.height, size: r.blob.size, renderMs: r.renderMs, encodeMs: r.encodeMs, totalMs, wasmBytes });
  }
  return r;
}

/** The worker had no OffscreenCanvas: encode its pixels with a canvas of the page.
 *  @param {Uint8ClampedArray<ArrayBuffer>} pixels @param {number} width @param {number} height
 *  @param {string} type @param {number} quality @returns {Promise<Blob>} */
function encodeOnPage(pixels, width, height, type, quality) {
  const c = document.createElement('canvas');
  c.width = width;
  c.height = height;
  /** @type {CanvasRenderingContext2D} */ (c.getContext('2d')).putImageData(new ImageData(pixels, width, height), 0, 0);
  return new Promise((resolve, reject) => c.toBlob((b) => (b ? resolve(b) : reject(new Error('the browser could not encode the image'))), type, quality));
}

/** @param {unknown} err */
const messageOf = (err) => (err instanceof Error ? err.message : String(err));

/** @param {HTMLButtonElement} button @param {() => Promise<void>} fn */
async function withButton(button, fn) {
  button.disabled = true;
  try { await fn(); } finally { button.disabled = false; }
}

function wireSave() {
  els.format.addEventListener('input', () => { state.format = els.format.value === 'png' ? 'png' : 'jpeg'; updateQualityField(); saved(); });
  els.quality.addEventListener('input', () => {
    const q = Math.round(Number(els.quality.value));
    if (Number.isFinite(q) && q >= 10 && q <= 100) { state.quality = q; saved(); }
  });
  els.download.addEventListener('click', () => withButton(els.download, async () => {
    setMsg(els.saveMsg, 'Rendering at full size…');
    try {
      const r = await renderFinal(outFormat());
      const name = fileName(outFormat());
      const url = URL.createObjectURL(r.blob);
      const a = document.createElement('a');
      a.href = url;
      a.download = name;
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60000);
      setMsg(els.saveMsg, `Saved ${name} (${r.width} × ${r.height}, ${formatBytes(r.blob.size)}).`, 'ok');
    } catch (err) {
      setMsg(els.saveMsg, `Couldn't make the image: ${messageOf(err)}`, 'error');
    }
  }));

  if (navigator.clipboard && navigator.clipboard.write && window.ClipboardItem) {
    els.copy.hidden = false;
    els.copy.addEventListener('click', () => withButton(els.copy, async () => {
      setMsg(els.saveMsg, 'Rendering for the clipboard…');
      try {
        // The item takes a promise so the copy still counts as part of the click.
        const blob = renderFinal('png').then((r) => r.blob);
        await navigator.clipboard.write([new ClipboardItem({ 'image/png': blob })]);
        setMsg(els.saveMsg, state.anim ? 'Copied the first frame as a PNG image (clipboards take no animations).' : 'Copied the meme as a PNG image.', 'ok');
      } catch (err) {
        setMsg(els.saveMsg, `Couldn't copy: ${messageOf(err)}`, 'error');
      }
    }));
  }

  const probe = typeof File === 'function' ? new File([new Uint8Array(1)], 'probe.png', { type: 'image/png' }) : null;
  if (navigator.share && navigator.canShare && probe && navigator.canShare({ files: [probe] })) {
    els.share.hidden = false;
    els.share.addEventListener('click', () => withButton(els.share, async () => {
      try {
        const r = await renderFinal(outFormat());
        const file = new File([r.blob], fileName(outFormat()), { type: r.type });
        await navigator.share({ files: [file], title: 'A meme' });
        setMsg(els.saveMsg, '');
      } catch (err) {
        if (!(err instanceof Error && err.name === 'AbortError')) setMsg(els.saveMsg, `Couldn't share: ${messageOf(err)}`, 'error');
      }
    }));
  }
}

// ---- publish -----------------------------------------------------------------------------------

function memeIdentity() {
  return `${state.images.map((im) => (im ? im.id : '')).join(',')}|${outFormat()}|${state.quality}|${renderSpec(state.spec).json}`;
}

function updatePublishUI() {
  const pub = state.pub;
  if (!state.image) return;
  const current = pub.meme && pub.meme.for === memeIdentity();
  els.publish.textContent = pub.original && !current ? 'Finish publishing' : 'Publish';
  if (pub.meme) {
    els.publishLink.href = pub.meme.shareUrl || pub.meme.publicUrl;
    els.publishResult.hidden = false;
    els.publishLink.textContent = current ? 'Open your meme' : 'Open the meme you published earlier';
  } else {
    els.publishResult.hidden = true;
  }
}

/** The captions as the share page's alt text (the signer's limit: 200 characters). */
function captionsAlt() {
  const text = state.spec.boxes.map((b) => b.text.replace(/\s+/g, ' ').trim()).filter(Boolean).join(' / ');
  return Array.from(text).slice(0, 200).join('');
}

/** Lists a finished publish in "Published" (mymemes.js) with its delete tokens. @param {PublishRecord} pub */
function rememberPublished(pub) {
  const m = pub.meme;
  if (!m || !m.id || !m.shareUrl || !m.token) return; // a server without deletes: nothing to keep
  const original = pub.original && pub.original.token ? { key: pub.original.key, token: pub.original.token } : null;
  mymemes.add({ id: m.id, shareUrl: m.shareUrl, imageUrl: m.publicUrl, token: m.token, original, at: Date.now() })
    .catch((err) => setMsg(els.publishMsg, `Published, but this browser couldn't keep it in your published list: ${messageOf(err)}`, 'warn'));
}

function wirePublish() {
  els.publish.addEventListener('click', async () => {
    const img = state.image;
    if (!img || publishing === img) return;
    publishing = img;
    // Another image may be opened before this finishes: from then on this publish writes only into
    // its own image's record and shows nothing, so the page never offers its link for the new image.
    const pub = state.pub;
    const shown = () => state.image === img;
    els.publish.disabled = true;
    els.progressWrap.hidden = false;
    els.progress.value = 0;
    setMsg(els.publishMsg, '');
    /** @param {number | null} frac @param {string} [label] */
    const onProgress = (frac, label) => {
      if (!shown()) return;
      if (frac !== null) els.progress.value = Math.round(frac * 100);
      if (label) els.progressLabel.textContent = label;
    };
    try {
      const url = await publish({
        signPath: config.signPath,
        pub,
        originals: state.images.map((im) => (im ? { blob: im.blob, type: im.type } : { blob: img.blob, type: img.type })),
        memeFor: memeIdentity(),
        renderMeme: async () => { const r = await renderFinal(outFormat()); return { blob: r.blob, type: r.type }; },
        stripOriginal: async (o) => {
          const bytes = new Uint8Array(await o.blob.arrayBuffer());
          const r = /** @type {import('./memeforge').StripResult} */ (await renderer.call('strip', { bytes }, [bytes.buffer]));
          return { blob: new Blob([/** @type {Uint8Array<ArrayBuffer>} */ (r.bytes)], { type: o.type }), type: o.type };
        },
        onProgress,
        onSaved: () => { if (shown()) { docSaver.schedule(); docSaver.flush(); } },
        alt: captionsAlt(),
      });
      rememberPublished(pub);
      if (!shown()) return;
      els.progressWrap.hidden = true;
      setMsg(els.publishMsg, 'Published. Anyone with the link can see it.', 'ok');
      updatePublishUI();
      els.publishLink.href = url;
      els.publishLink.focus();
    } catch (err) {
      if (!shown()) return;
      els.progressWrap.hidden = true;
      let text = err instanceof PublishError ? err.message : `Publishing failed: ${messageOf(err)}.`;
      if (text !== OFFLINE_MESSAGE) {
        text += pub.original
          ? ' The original image is already uploaded. Your meme is kept here — press Finish publishing to upload the rest.'
          : ' Your meme is kept here — press Publish to try again.';
      }
      setMsg(els.publishMsg, text, 'error');
      updatePublishUI();
    } finally {
      if (publishing === img) publishing = null;
      if (shown()) els.publish.disabled = false;
    }
  });
  els.copyLink.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(els.publishLink.href);
      setMsg(els.publishMsg, 'Link copied.', 'ok');
    } catch (err) {
      setMsg(els.publishMsg, `Couldn't copy the link: ${messageOf(err)}`, 'error');
    }
  });
}

// ---- network state, service worker, config ---------------------------------------------------

function wireNetwork() {
  const show = () => { els.net.hidden = navigator.onLine !== false; };
  window.addEventListener('online', show);
  window.addEventListener('offline', show);
  show();
}

let swRegistered = false;
/** Called when a preview has been drawn: the first one, on a page that starts with work to show,
 *  is when the service worker may come. */
let previewShown = () => {};

/** Registers the service worker (offline support) once the page has started: its install
 *  downloads and stores the whole app shell, WASM module included, and on a first visit that
 *  would compete with the page's own start for the network and the CPU. */
function registerServiceWorker() {
  if (!('serviceWorker' in navigator) || swRegistered) return;
  swRegistered = true;
  navigator.serviceWorker.register('sw.js').catch((err) => console.warn('memeforge: no offline support:', messageOf(err)));
}

async function loadConfig() {
  try {
    const r = await fetch('config.json', { cache: 'no-cache' });
    if (!r.ok) return;
    const c = await r.json();
    if (typeof c.signPath === 'string' && c.signPath) config.signPath = c.signPath;
    if (Number.isFinite(c.maxUploadBytes) && c.maxUploadBytes > 0) config.maxUploadBytes = c.maxUploadBytes;
    document.querySelectorAll('.max-size').forEach((el) => { el.textContent = formatBytes(config.maxUploadBytes); });
  } catch { /* defaults */ }
}

// ---- start -------------------------------------------------------------------------------------

/** Reads what restore() shows, down to the last meme's images: started with the renderer, so the
 *  reads overlap its start instead of following it. Never rejects (null: nothing could be read). */
async function readSaved() {
  try {
    const [image, doc, fonts, current] = await Promise.all([store.get('image'), store.get('doc'), store.allFonts(), store.get('current')]);
    /** @type {Promise<any> | null} */
    let rec = null;
    if (typeof current === 'string' && current) rec = store.getMeme(current);
    // Caught here, reported by restore() when it awaits them.
    const images = rec ? rec.then((r) => (r ? recordImages(r) : [])) : null;
    rec?.catch(() => {});
    images?.catch(() => {});
    return { image, doc, fonts, current, rec, images };
  } catch (err) {
    console.warn('memeforge: nothing restored:', err);
    return null;
  }
}

/** @param {Awaited<ReturnType<typeof readSaved>>} read what readSaved found */
async function restore(read) {
  if (!read) return;
  const { image, doc, fonts, current } = read;
  for (const f of fonts || []) {
    try { await addUserFont(f.name, f.label, new Uint8Array(await f.bytes.arrayBuffer())); } catch (err) { console.warn('memeforge: saved font skipped:', err); }
  }
  if (imagesTaken) return; // an image was chosen while starting: that is the work now
  showMemes();
  if (typeof current === 'string') {
    // The list of memes: open the one being edited last (none: it was deleted).
    try {
      const rec = current ? await read.rec : null;
      if (rec && !(await openRecord(rec, true, /** @type {Promise<(LoadedImage | null)[]>} */ (read.images))) && !imagesTaken) setMsg(els.imageMsg, 'Your last meme couldn\'t be opened again: its images are missing. Choose an image.');
    } catch (err) {
      setMsg(els.imageMsg, `Your last meme couldn't be opened again (${messageOf(err)}). Choose an image.`);
    }
    return;
  }
  // Saved by a page from before the list of memes: one image and its document, made the first meme.
  if (doc) {
    state.spec = sanitizeSpec(doc.spec);
    state.selected = Number.isInteger(doc.selected) ? doc.selected : 0;
    state.format = doc.format === 'png' ? 'png' : 'jpeg';
    state.quality = Number.isFinite(doc.quality) ? doc.quality : 90;
    state.pub = doc.pub && typeof doc.pub === 'object' ? { original: doc.pub.original || null, meme: doc.pub.meme || null } : state.pub;
    els.format.value = state.format;
    els.quality.value = String(state.quality);
    updateQualityField();
  }
  if (image && image.blob) {
    try {
      const bytes = new Uint8Array(await image.blob.arrayBuffer());
      // Asked again after the last await, just before the renderer is: had the person chosen a
      // file meanwhile, the saved image would load after theirs and silently replace it.
      if (imagesTaken) return;
      const info = await loadIntoRenderer(bytes, image.type);
      /** @type {LoadedImage} */
      const im = { ...image, width: info.width, height: info.height, id: typeof image.id === 'string' ? image.id : randomId() };
      state.image = im;
      state.images = [im];
      state.id = randomId();
      state.created = Date.now();
      state.title = image.name || '';
      history = new History(JSON.stringify(state.spec), imageIds());
      keepImage(im).then(() => store.put('current', state.id)).catch(() => {});
      showAnimationState(info, image.name);
      showImage();
      if (info.anim) player.load(info.anim);
      saved();
    } catch (err) {
      setMsg(els.imageMsg, `Your last image couldn't be opened again (${messageOf(err)}). Choose it again.`);
    }
  }
}

const slots = new SlotControls({
  list: els.slotList, accept: ACCEPT_TYPES,
  onChange: (e, key) => { fullSize = null; requestPreview(e); recordEdit(key); saved(); },
  onReplace: (slot, file) => { replaceSlot(slot, file); },
  onCrop: (slot, opener) => { startCrop(slot, opener); },
  onCropTyped: (slot, cuts) => { if (crop.slot !== slot) return false; crop.setCuts(cuts); return true; },
});

function wireTemplates() {
  const gallery = new Gallery({ maxBytes: () => config.maxUploadBytes, onPick: applyTemplate });
  document.querySelectorAll('[data-gallery]').forEach((b) => b.addEventListener('click', () => {
    if (!rendererReady) return;
    gallery.open();
  }));
}

async function main() {
  wireNetwork();
  wireTemplates();
  wireUndo();
  wireImageInput();
  wireFonts();
  wireSave();
  wirePublish();
  mymemes.mount({ signPath: () => config.signPath });
  window.addEventListener('pagehide', () => docSaver.flush());
  document.addEventListener('visibilitychange', () => { if (document.visibilityState === 'hidden') docSaver.flush(); });
  new ResizeObserver(() => layout()).observe(/** @type {HTMLElement} */ (els.stage.parentElement));

  const cfg = loadConfig();
  renderer = new RenderClient('worker.js');
  renderer.onEvent = onWorkerEvent;
  setBusy('Starting the renderer…');
  const init = renderer.call('init', {});
  const savedRead = readSaved();
  try {
    const { start } = await init;
    // The worker's start on the page's clock, for the measurements (bench_test.go ColdLoad).
    const at = (/** @type {number} */ ms) => start.origin + ms - performance.timeOrigin;
    document.documentElement.dataset.module = start.module; // the tests check boot.js ran (the CSP let it)
    instrument.emit('renderer', { response: at(start.response), compiled: at(start.compiled), imports: at(start.imports), started: at(start.started), ready: performance.now() });
  } catch (err) {
    setBusy('');
    setMsg(els.imageMsg, `The renderer couldn't start: ${messageOf(err)}. Reload to try again.`);
    document.documentElement.dataset.renderer = 'failed';
    registerServiceWorker(); // a new version it brings may be the fix
    return;
  }
  rendererReady = true;
  document.documentElement.dataset.renderer = 'ready';
  if (state.image) requestPreview(); // an image chosen while the renderer was starting
  await restore(await savedRead);
  setBusy('');
  // Nothing to show yet: while the person picks a file, the renderer makes a small meme of its own
  // once, so the first real one doesn't pay for V8's first compile of that code.
  if (!state.image) renderer.call('warmUp', {}).then((ms) => instrument.emit('warmUp', { ms, at: performance.now() }), () => {});
  await cfg;
  // Offline support once the page has shown its work (or at once when it has none to show), and in
  // any case two seconds after it is ready.
  if (state.image) { previewShown = registerServiceWorker; setTimeout(registerServiceWorker, 2000); } else registerServiceWorker();
  document.documentElement.dataset.ready = 'true';
  instrument.emit('ready', { at: performance.now() });
}

main();
