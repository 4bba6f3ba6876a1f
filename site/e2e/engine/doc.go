// Package engine drives one browser page the same way in three engines, for the cross-engine
// browser tests: Chromium through chromedp (the DevTools protocol), Firefox through WebDriver BiDi
// (its built-in remote agent, over a WebSocket) and WebKit through WebKitWebDriver (W3C WebDriver
// over HTTP) with WebKitGTK's MiniBrowser on a private Xvfb display.
//
// It has only the verbs the tests use: navigate, reload, evaluate (promises awaited, the result
// as JSON), set files on an <input type=file>, type, click, drag, screenshot, the console errors
// seen so far, close. Every process listens on 127.0.0.1 only, gets a fresh profile, runs in its
// own process group and is killed with its group by Close.
//
// Console errors are what the page's code reports: console.error, uncaught exceptions, unhandled
// rejections. The browser's own log lines (a failed load, a missing favicon) are not, so that the
// three engines report the same things:
//   - Chromium: the DevTools console-API and exception events (not its Log domain).
//   - Firefox: BiDi log.entryAdded at level "error".
//   - WebKit: WebKitWebDriver has no log API, and MiniBrowser's own setting that prints console
//     messages to stdout (enable-write-console-messages-to-stdout) is not applied to the web
//     views it makes for automation. So a collector script wraps console.error and listens for
//     error and unhandledrejection; it is installed after each Navigate and Reload (classic
//     WebDriver cannot run a script before the page's own) and read before the next one and by
//     ConsoleErrors. Errors raised while a page is still loading, before the collector is in
//     place, and errors inside workers are not seen in WebKit; Chromium and Firefox see those.
//
// Downloads go to Options.DownloadDir in every engine: Chromium by Browser.setDownloadBehavior,
// Firefox by download prefs in the profile's user.js, WebKit by the XDG download directory of
// a private HOME (WebKitGTK saves a download there when the browser does not choose a place).
package engine
