// <asi-protection>: turn encryption at rest on, unlock, lock, and manage passphrases and the idle lock of a store.
import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { property, state } from 'lit/decorators.js';
import type { Language } from '../../core/definition/text.js';
import { ProtectionError } from '../../core/protection/errors.js';
import { MIN_PASSPHRASE_LENGTH } from '../../core/protection/unit-key.js';
import type { IdbInterviewStore, ProtectionState, UnitSettings } from '../../core/storage/idb-store.js';
import { defaultStore } from '../default-store.js';
import { formStyles } from '../form.styles.js';
import { errorMessage, t } from '../i18n.js';

export interface AsiProtectionDetail {
  state: ProtectionState;
}

declare global {
  interface HTMLElementEventMap {
    /** The store was unlocked, or encryption was turned on (and the store is unlocked). */
    'asi-unlock': CustomEvent<AsiProtectionDetail>;
    /** The store was locked from this element. */
    'asi-lock': CustomEvent<AsiProtectionDetail>;
  }
}

type Form = 'enable' | 'add' | 'change';

/**
 * @summary Encryption at rest for an IndexedDB store: a form to turn it on, the unlock screen, and (unlocked) lock now,
 * the idle lock, a second or recovery passphrase and a change of passphrase.
 *
 * Show `view="unlock"` as the only thing on the page while the store is locked; `view="settings"` on a settings page.
 * A passphrase never leaves the form it was typed in: the store derives the key from it and the field is cleared.
 *
 * @fires asi-unlock - The store is unlocked (after the passphrase, or after turning encryption on).
 * @fires asi-lock - The store was locked with "Lock now".
 * @csspart form
 */
export class AsiProtection extends LitElement {
  static override styles = [
    formStyles,
    css`
      :host {
        max-width: 44rem;
      }
      form {
        display: grid;
        gap: 0.6rem;
        margin-block: 1rem;
        padding: 1rem;
        border: 1px solid var(--asi-border-color, #6b7280);
        border-radius: var(--asi-radius, 6px);
      }
      label {
        display: grid;
        gap: 0.2rem;
      }
      input,
      button {
        padding: 0.4rem 0.8rem;
      }
      button.primary {
        background: var(--asi-accent-color, #1d4ed8);
        color: #fff;
        border-color: transparent;
      }
      button {
        justify-self: start;
      }
    `,
  ];

  /** The store to protect; defaults to the elements' shared IndexedDB store. */
  @property({ attribute: false }) store?: IdbInterviewStore;
  /** `unlock`: only the unlock form (or nothing when unlocked); `settings`: everything for the current state. */
  @property({ reflect: true }) view: 'unlock' | 'settings' = 'settings';
  @property({ reflect: true }) override lang: Language = 'sv';

  @state() private protection?: ProtectionState;
  @state() private settings?: UnitSettings;
  @state() private slots: { id: string; label: string; createdAt: string }[] = [];
  @state() private busy = false;
  @state() private error = '';
  @state() private message = '';
  @state() private open: Form | null = null;

  private async target(): Promise<IdbInterviewStore> {
    return this.store ?? (await defaultStore());
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('store') || this.protection === undefined) void this.refresh();
  }

  /** Reads the state again (e.g. after another part of the page locked the store). */
  async refresh(): Promise<void> {
    try {
      const store = await this.target();
      this.protection = await store.protection();
      this.settings = await store.settings();
      this.slots = this.protection === 'unlocked' ? await store.passphraseSlots() : [];
    } catch (error) {
      this.error = errorMessage(this.lang, error);
    }
  }

  private fire(type: 'asi-unlock' | 'asi-lock'): void {
    this.dispatchEvent(new CustomEvent<AsiProtectionDetail>(type, { detail: { state: this.protection! }, bubbles: true, composed: true }));
  }

  /** Runs a form's action with a busy state; a passphrase field is cleared whatever the outcome. */
  private async act(event: SubmitEvent, action: (data: FormData) => Promise<string | void>): Promise<void> {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    const data = new FormData(form);
    this.busy = true;
    this.error = '';
    this.message = '';
    try {
      this.message = (await action(data)) ?? '';
      form.reset();
    } catch (error) {
      this.error = this.describe(error);
      for (const input of form.querySelectorAll<HTMLInputElement>('input[type=password]')) input.value = '';
    } finally {
      this.busy = false;
    }
    if (this.error) {
      // Back to the first passphrase field to try again; it is enabled again only once `busy` has rendered.
      await this.updateComplete;
      form.querySelector<HTMLInputElement>('input[type=password]')?.focus();
    }
  }

  private describe(error: unknown): string {
    if (error instanceof ProtectionError) {
      if (error.code === 'wrong-passphrase') return t(this.lang, 'passphraseWrong');
      if (error.code === 'weak') return t(this.lang, 'passphraseShort');
    }
    return errorMessage(this.lang, error);
  }

  /** The new passphrase, typed twice the same and long enough. */
  private newPassphrase(data: FormData): string {
    const passphrase = String(data.get('new') ?? '');
    if ([...passphrase.normalize('NFC')].length < MIN_PASSPHRASE_LENGTH) throw new Error(t(this.lang, 'passphraseShort'));
    if (passphrase !== String(data.get('repeat') ?? '')) throw new Error(t(this.lang, 'passphraseMismatch'));
    return passphrase;
  }

  private onEnable = (event: SubmitEvent) =>
    this.act(event, async (data) => {
      const store = await this.target();
      await store.enableEncryption(this.newPassphrase(data), { label: 'unit' });
      await this.refresh();
      this.open = null;
      this.fire('asi-unlock');
      return t(this.lang, 'protectionEnabled');
    });

  private onUnlock = (event: SubmitEvent) =>
    this.act(event, async (data) => {
      const store = await this.target();
      await store.unlock(String(data.get('passphrase') ?? ''));
      await this.refresh();
      this.fire('asi-unlock');
    });

  private onAdd = (event: SubmitEvent) =>
    this.act(event, async (data) => {
      const store = await this.target();
      await store.addPassphrase(String(data.get('passphrase') ?? ''), this.newPassphrase(data), { label: String(data.get('label') || 'extra') });
      await this.refresh();
      this.open = null;
      return t(this.lang, 'passphraseAdded');
    });

  private onChange = (event: SubmitEvent) =>
    this.act(event, async (data) => {
      const store = await this.target();
      await store.changePassphrase(String(data.get('passphrase') ?? ''), this.newPassphrase(data));
      await this.refresh();
      this.open = null;
      return t(this.lang, 'passphraseChanged');
    });

  private onIdle = (event: SubmitEvent) =>
    this.act(event, async (data) => {
      const minutes = Number(data.get('minutes'));
      if (!Number.isInteger(minutes) || minutes < 1 || minutes > 240) throw new Error(t(this.lang, 'idleInvalid'));
      this.settings = await (await this.target()).updateSettings({ lockAfterMinutes: minutes });
      return t(this.lang, 'idleSaved', { minutes });
    });

  private async lockNow(): Promise<void> {
    (await this.target()).lock();
    await this.refresh();
    this.fire('asi-lock');
  }

  protected override updated(changed: PropertyValues): void {
    // The unlock screen is all there is on the page: its field gets the focus at once.
    if ((changed.has('protection') || changed.has('view')) && this.protection === 'locked') {
      this.renderRoot.querySelector<HTMLInputElement>('form[data-unlock] input')?.focus();
    }
    if (changed.has('open') && this.open) this.renderRoot.querySelector<HTMLInputElement>(`form[data-form=${this.open}] input`)?.focus();
  }

  /** The labels the app gives slots itself are shown in the UI's language; a unit's own labels as typed. */
  private slotLabel(label: string): string {
    return label === 'unit' ? t(this.lang, 'slotUnit') : label === 'extra' ? t(this.lang, 'slotExtra') : label;
  }

  private passwordField(name: string, label: string, autocomplete: string) {
    return html`<label>${label} <input type="password" name=${name} autocomplete=${autocomplete} required ?disabled=${this.busy} /></label>`;
  }

  private newFields() {
    return html`${this.passwordField('new', t(this.lang, 'passphraseNew'), 'new-password')}${this.passwordField('repeat', t(this.lang, 'passphraseRepeat'), 'new-password')}`;
  }

  protected override render() {
    const lang = this.lang;
    const status = html`<div role="status">${this.message}</div>${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}`;
    if (this.protection === undefined) return html`<p role="status">${t(lang, 'loading')}</p>${status}`;

    if (this.protection === 'locked') {
      return html`<form part="form" data-unlock @submit=${this.onUnlock} aria-labelledby="unlock-title">
          <h2 id="unlock-title">${t(lang, 'unlockTitle')}</h2>
          <p class="note">${t(lang, 'unlockHelp')}</p>
          ${this.passwordField('passphrase', t(lang, 'passphrase'), 'current-password')}
          <button type="submit" class="primary" ?disabled=${this.busy}>${this.busy ? t(lang, 'unlocking') : t(lang, 'unlock')}</button>
        </form>
        ${status}`;
    }
    if (this.view === 'unlock') return status;

    if (this.protection === 'plain') {
      return html`<h2>${t(lang, 'protectionTitle')}</h2>
        <p>${t(lang, 'protectionOff')}</p>
        <form part="form" data-form="enable" @submit=${this.onEnable} aria-labelledby="enable-title">
          <h3 id="enable-title">${t(lang, 'protectionEnable')}</h3>
          <p class="note">${t(lang, 'protectionEnableHelp')}</p>
          ${this.newFields()}
          <button type="submit" class="primary" ?disabled=${this.busy}>${this.busy ? t(lang, 'protectionEnabling') : t(lang, 'protectionEnable')}</button>
        </form>
        ${status}`;
    }

    return html`<h2>${t(lang, 'protectionTitle')}</h2>
      <p>${t(lang, 'protectionOn', { minutes: this.settings?.lockAfterMinutes ?? 15 })}</p>
      <div class="buttons"><button @click=${this.lockNow}>${t(lang, 'lockNow')}</button></div>
      <form part="form" @submit=${this.onIdle} aria-labelledby="idle-title">
        <h3 id="idle-title">${t(lang, 'idleTitle')}</h3>
        <label>${t(lang, 'idleMinutes')} <input type="number" name="minutes" min="1" max="240" required .value=${String(this.settings?.lockAfterMinutes ?? 15)} /></label>
        <button type="submit">${t(lang, 'idleSave')}</button>
      </form>
      <h3>${t(lang, 'passphrases')}</h3>
      <ul>
        ${this.slots.map((s) => html`<li>${this.slotLabel(s.label)} (${s.createdAt.slice(0, 10)})</li>`)}
      </ul>
      <div class="buttons">
        <button aria-expanded=${String(this.open === 'add')} @click=${() => (this.open = this.open === 'add' ? null : 'add')}>${t(lang, 'passphraseAdd')}</button>
        <button aria-expanded=${String(this.open === 'change')} @click=${() => (this.open = this.open === 'change' ? null : 'change')}>${t(lang, 'passphraseChange')}</button>
      </div>
      ${this.open === 'add'
        ? html`<form part="form" data-form="add" @submit=${this.onAdd}>
            <p class="note">${t(lang, 'passphraseAddHelp')}</p>
            ${this.passwordField('passphrase', t(lang, 'passphraseCurrent'), 'current-password')}
            <label>${t(lang, 'passphraseLabel')} <input name="label" autocomplete="off" placeholder=${t(lang, 'passphraseLabelExample')} /></label>
            ${this.newFields()}
            <button type="submit" class="primary" ?disabled=${this.busy}>${t(lang, 'passphraseAdd')}</button>
          </form>`
        : nothing}
      ${this.open === 'change'
        ? html`<form part="form" data-form="change" @submit=${this.onChange}>
            <p class="note">${t(lang, 'passphraseChangeHelp')}</p>
            ${this.passwordField('passphrase', t(lang, 'passphraseCurrent'), 'current-password')} ${this.newFields()}
            <button type="submit" class="primary" ?disabled=${this.busy}>${t(lang, 'passphraseChange')}</button>
          </form>`
        : nothing}
      ${status}`;
  }
}
