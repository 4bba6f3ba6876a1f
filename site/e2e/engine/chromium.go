package engine

import (
	"context"
	"os"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// chromiumPath is Debian's chromium; MEMEFORGE_CHROMIUM points at another build, as for the rest
// of site/e2e.
var chromiumPath = func() string {
	if p := os.Getenv("MEMEFORGE_CHROMIUM"); p != "" {
		return p
	}
	return "/usr/bin/chromium"
}()

type chromium struct {
	ctx    context.Context
	cancel func()
}

func startChromium(ctx context.Context, o Options, consoleErr, log func(string)) (backend, error) {
	flags := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromiumPath),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("no-first-run", true),
		chromedp.UserDataDir(o.ProfileDir),
		chromedp.WindowSize(o.Width, o.Height),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), flags...)
	tabCtx, cancelTab := chromedp.NewContext(allocCtx)
	c := &chromium{ctx: tabCtx, cancel: func() { cancelTab(); cancelAlloc() }}
	// The first run starts the browser, on the tab's own context: chromedp ties the browser's life
	// to the context of that run.
	if err := chromedp.Do(tabCtx); err != nil {
		c.cancel()
		return nil, err
	}
	go func() {
		for m, err := range chromedp.Console(tabCtx) {
			if err != nil {
				return
			}
			log("console: " + m.String())
			// The browser's own log (Source "network", ...) is left out, as the other engines
			// do: a missing favicon or a fetch while offline is not the page's error.
			if (m.Type == chromedp.ConsoleError && m.Source == "") || m.IsException() {
				consoleErr(m.String())
			}
		}
	}()
	steps := []chromedp.Action[chromedp.Void]{chromedp.EmulateViewport(int64(o.Width), int64(o.Height))}
	if o.InitScript != "" {
		steps = append(steps, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := cdp.Call(ctx, tg, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: o.InitScript})
			return err
		}))
	}
	steps = append(steps, chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		_, err := chromedp.CallBrowser(ctx, cdpbrowser.SetDownloadBehavior, cdpbrowser.SetDownloadBehaviorParams{
			Behavior: cdpbrowser.SetDownloadBehaviorBehaviorAllow, DownloadPath: o.DownloadDir,
		})
		return err
	}))
	if err := c.run(ctx, steps...); err != nil {
		c.cancel()
		return nil, err
	}
	return c, nil
}

// run runs actions in the tab, ending them when ctx ends.
func (c *chromium) run(ctx context.Context, actions ...chromedp.Action[chromedp.Void]) error {
	tctx, stop := mergeCancel(c.ctx, ctx)
	defer stop()
	return chromedp.Do(tctx, actions...)
}

// mergeCancel returns base (the tab's context, which chromedp needs) cancelled also when ctx ends.
func mergeCancel(base, ctx context.Context) (context.Context, func()) {
	merged, cancel := context.WithCancel(base)
	stopAfter := context.AfterFunc(ctx, cancel)
	return merged, func() { stopAfter(); cancel() }
}

func (c *chromium) navigate(ctx context.Context, url string) error {
	return c.run(ctx, chromedp.Navigate(url))
}

func (c *chromium) reload(ctx context.Context) error { return c.run(ctx, chromedp.Reload()) }

func (c *chromium) eval(ctx context.Context, expr string) (string, error) {
	tctx, stop := mergeCancel(c.ctx, ctx)
	defer stop()
	return chromedp.Run(tctx, chromedp.Evaluate[string](expr, chromedp.EvalAwaitPromise))
}

func (c *chromium) setFiles(ctx context.Context, selector string, paths []string) error {
	return c.run(ctx, chromedp.SetUploadFiles(chromedp.CSS(selector), paths))
}

func (c *chromium) typeText(ctx context.Context, selector, text string) error {
	// chromedp's SendKeys already maps '\b' to Backspace.
	return c.run(ctx, chromedp.SendKeys(chromedp.CSS(selector), text))
}

func (c *chromium) click(ctx context.Context, at Point) error {
	return c.run(ctx, chromedp.MouseClickXY(at.X, at.Y))
}

func (c *chromium) drag(ctx context.Context, from, to Point, steps int) error {
	return c.run(ctx, chromedp.DragAndDropXY(from.X, from.Y, to.X, to.Y, steps))
}

func (c *chromium) screenshot(ctx context.Context) ([]byte, error) {
	tctx, stop := mergeCancel(c.ctx, ctx)
	defer stop()
	return chromedp.Run(tctx, chromedp.CaptureScreenshot())
}

func (c *chromium) close() error {
	c.cancel()
	return nil
}
