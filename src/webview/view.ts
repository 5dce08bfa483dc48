/**
 * Where the reader was: scroll position, open <details> and the focused control, kept in the page
 * state as they change and put back once the page has content again after a reload.
 */
import { debounce } from './dom';
import type { PageState, PageStore } from './state';

export function trackView(store: PageStore): void {
  // toggle does not bubble: listen while it goes down.
  document.addEventListener(
    'toggle',
    () => store.update({ open: [...document.querySelectorAll('details')].filter((d) => d.open && d.id).map((d) => d.id) }),
    true,
  );
  // Until the reader scrolls, the saved position stands: the page may be short while it waits for data.
  let scrolled = false;
  const saveScroll = () => {
    if (scrolled) store.update({ scrollY: window.scrollY });
    scrolled = false;
  };
  const soon = debounce(saveScroll, 150);
  window.addEventListener(
    'scroll',
    () => {
      scrolled = true;
      soon();
    },
    { passive: true },
  );
  document.addEventListener('focusin', (e) => {
    // Only controls marked with data-focus-id are put back; focus elsewhere forgets the last one.
    const id = e.target instanceof HTMLElement ? e.target.dataset.focusId : undefined;
    if (id !== store.value.focus) store.update({ focus: id });
  });
  const away = () => {
    saveScroll();
    store.flush();
  };
  document.addEventListener('visibilitychange', () => document.visibilityState === 'hidden' && away());
  window.addEventListener('pagehide', away);
}

/** Scroll and focus as saved; called once, when the page first has its content. */
export function restoreView(state: Pick<PageState, 'scrollY' | 'focus'>): void {
  const focus = state.focus;
  // Focus the reader has put somewhere since is theirs: it is not taken away.
  const free = !document.activeElement || document.activeElement === document.body;
  if (focus && free)
    [...document.querySelectorAll<HTMLElement>('[data-focus-id]')]
      .find((el) => el.dataset.focusId === focus)
      ?.focus({ preventScroll: true });
  if (state.scrollY) window.scrollTo(0, state.scrollY);
}
