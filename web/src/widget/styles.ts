/**
 * The loader's own styles, inside its shadow root: the host page's CSS cannot reach them and
 * they cannot reach the host page. Applied as a constructed stylesheet (no inline <style>, so a
 * host page's Content-Security-Policy without 'unsafe-inline' does not block them).
 */
export const WIDGET_CSS = `
:host { all: initial; display: block; }
* { box-sizing: border-box; }
.frame, .status, .launcher, .title { font-family: system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif; }
iframe { display: block; width: 100%; border: 0; border-radius: 12px; height: var(--rh-height, 0px); color-scheme: light; }
.pending iframe { visibility: hidden; height: 0; }
.status { margin: 0; padding: 16px; font-size: 16px; line-height: 1.5; color: #1c1f24; text-align: center; }
.status a { color: #1d4ed8; }
.launcher {
  position: fixed; bottom: 16px; right: 16px; z-index: 2147483000;
  min-height: 48px; padding: 12px 20px; border: 0; border-radius: 999px;
  font-size: 16px; font-weight: 600; line-height: 1.5;
  background: var(--rh-color, #1c1f24); color: var(--rh-text, #ffffff);
  box-shadow: 0 4px 16px rgba(0, 0, 0, 0.25); cursor: pointer;
}
.launcher.left { right: auto; left: 16px; }
.launcher:focus-visible, .close:focus-visible, .status a:focus-visible { outline: 3px solid #1c7ed6; outline-offset: 2px; }
dialog {
  padding: 0; border: 0; border-radius: 12px; overflow: hidden;
  width: min(640px, calc(100vw - 32px)); max-width: none; max-height: calc(100dvh - 32px);
  background: #f6f7f9; color: #1c1f24; box-shadow: 0 12px 48px rgba(0, 0, 0, 0.3);
}
dialog[open] { display: flex; flex-direction: column; }
dialog::backdrop { background: rgba(17, 17, 17, 0.55); }
.bar { display: flex; align-items: center; justify-content: space-between; gap: 8px; padding: 6px 6px 6px 16px; background: #ffffff; border-bottom: 1px solid #e3e6eb; }
.title { margin: 0; min-width: 0; font-size: 16px; font-weight: 600; line-height: 1.5; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.close { flex: none; width: 44px; height: 44px; border: 0; border-radius: 8px; background: transparent; color: inherit; font: 400 28px/1 system-ui, sans-serif; cursor: pointer; }
.close:hover { background: #eef0f3; }
.body { flex: 1 1 auto; min-height: 0; }
dialog iframe { border-radius: 0; height: min(var(--rh-height, 0px), calc(100dvh - 32px - 57px)); }
@media (max-width: 600px) {
  dialog { width: 100vw; height: 100dvh; max-height: none; margin: 0; border-radius: 0; }
  .body, dialog .frame { display: flex; flex-direction: column; }
  dialog .frame, dialog iframe { flex: 1 1 auto; min-height: 0; }
}
`;
