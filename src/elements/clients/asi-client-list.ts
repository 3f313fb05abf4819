// <asi-client-list>: the unit's clients (pseudonymous code, sex, birth year), and a form to register a new one.
import { LitElement, css, html, nothing } from 'lit';
import { property, state } from 'lit/decorators.js';
import type { Language } from '../../core/definition/text.js';
import type { ClientRecord, InterviewStore, Sex } from '../../core/storage/types.js';
import { nowWithOffset } from '../../core/storage/audit-chain.js';
import { defaultStore } from '../default-store.js';
import { errorMessage, t } from '../i18n.js';
import { listStyles } from './list.styles.js';

export interface AsiClientSelectDetail {
  clientId: string;
}
export interface AsiClientExportDetail {
  clientIds: string[];
}

declare global {
  interface HTMLElementEventMap {
    'asi-client-select': CustomEvent<AsiClientSelectDetail>;
    'asi-client-export': CustomEvent<AsiClientExportDetail>;
  }
}

/**
 * @summary Lists clients and registers new ones. Clients are known only by a pseudonymous code.
 * @fires asi-client-select - The user opened a client (also fired after adding one).
 * @fires asi-client-export - The user asked to export the selected clients.
 * @csspart table @csspart form
 */
export class AsiClientList extends LitElement {
  static override styles = [listStyles, css``];

  @property({ attribute: false }) store?: InterviewStore;
  @property({ reflect: true }) override lang: Language = 'sv';

  @state() private clients: ClientRecord[] = [];
  @state() private error = '';
  /** The store failed (reading the list, or adding a client): shown in the current language by its code. */
  @state() private storeError: unknown = null;
  @state() private loaded = false;
  @state() private selected = new Set<string>();

  protected override willUpdate(changed: Map<string, unknown>): void {
    if (changed.has('store') || !this.loaded) void this.refresh();
  }

  async refresh(): Promise<void> {
    this.loaded = true;
    try {
      const store = this.store ?? (await defaultStore());
      const clients = await store.listClients();
      this.clients = clients.sort((a, b) => a.code.localeCompare(b.code, 'sv'));
      this.storeError = null;
    } catch (error) {
      this.storeError = error;
    }
  }

  private async onSubmit(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    const data = new FormData(form);
    const code = String(data.get('code') ?? '').trim();
    const year = String(data.get('birthYear') ?? '').trim();
    const lang = this.lang;
    if (!/^[\p{L}\p{N}_-]{1,32}$/u.test(code)) return void (this.error = t(lang, 'codeInvalid'));
    if (this.clients.some((c) => c.code.toLowerCase() === code.toLowerCase())) return void (this.error = t(lang, 'codeTaken'));
    const birthYear = year === '' ? undefined : Number(year);
    if (birthYear !== undefined && !(Number.isInteger(birthYear) && birthYear >= 1900 && birthYear <= new Date().getFullYear()))
      return void (this.error = t(lang, 'yearInvalid'));
    this.error = '';
    const at = nowWithOffset();
    const client: ClientRecord = {
      id: globalThis.crypto.randomUUID(),
      code,
      sex: String(data.get('sex') ?? 'unknown') as Sex,
      ...(birthYear !== undefined ? { birthYear } : {}),
      createdAt: at,
      updatedAt: at,
    };
    try {
      const store = this.store ?? (await defaultStore());
      await store.putClient(client);
    } catch (error) {
      this.storeError = error; // the form keeps what was typed, to try again
      return;
    }
    this.storeError = null;
    form.reset();
    await this.refresh();
    this.select(client.id);
  }

  private toggle(clientId: string, on: boolean): void {
    const next = new Set(this.selected);
    if (on) next.add(clientId);
    else next.delete(clientId);
    this.selected = next;
  }

  private exportSelected(): void {
    this.dispatchEvent(
      new CustomEvent<AsiClientExportDetail>('asi-client-export', { detail: { clientIds: [...this.selected] }, bubbles: true, composed: true }),
    );
  }

  private select(clientId: string): void {
    this.dispatchEvent(new CustomEvent<AsiClientSelectDetail>('asi-client-select', { detail: { clientId }, bubbles: true, composed: true }));
  }

  protected override render() {
    const lang = this.lang;
    const sexLabel = (s: Sex) => t(lang, s === 'unknown' ? 'unknownSex' : s);
    return html`
      ${this.storeError ? html`<p class="error" role="alert">${errorMessage(lang, this.storeError)}</p>` : nothing}
      <section aria-labelledby="new-client">
        <h2 id="new-client">${t(lang, 'newClient')}</h2>
        <form part="form" @submit=${this.onSubmit} novalidate>
          <label>${t(lang, 'clientCode')}
            <input name="code" required autocomplete="off" aria-describedby="code-help ${this.error ? 'form-error' : ''}" />
          </label>
          <label>${t(lang, 'sex')}
            <select name="sex">
              ${/* Unknown first: a cut-off by sex (AUDIT, DUDIT) must never rest on a default nobody chose. */ ''}
              ${(['unknown', 'female', 'male', 'other'] as Sex[]).map((s) => html`<option value=${s}>${sexLabel(s)}</option>`)}
            </select>
          </label>
          <label>${t(lang, 'birthYear')}
            <input name="birthYear" inputmode="numeric" size="6" autocomplete="off" />
          </label>
          <button class="primary" type="submit">${t(lang, 'addClient')}</button>
          <p id="code-help" class="help">${t(lang, 'clientCodeHelp')}</p>
          ${this.error ? html`<p id="form-error" class="error" role="alert">${this.error}</p>` : nothing}
        </form>
      </section>
      <section aria-labelledby="client-list">
        <h2 id="client-list">${t(lang, 'clients')}</h2>
        ${this.clients.length === 0
          ? html`<p>${t(lang, 'noClients')}</p>`
          : html`<table part="table">
              <thead>
                <tr><td></td><th scope="col">${t(lang, 'clientCode')}</th><th scope="col">${t(lang, 'sex')}</th><th scope="col">${t(lang, 'birthYear')}</th><td></td></tr>
              </thead>
              <tbody>
                ${this.clients.map(
                  (c) => html`<tr>
                    <td><input type="checkbox" aria-label=${t(lang, 'select', { code: c.code })} .checked=${this.selected.has(c.id)} @change=${(e: Event) => this.toggle(c.id, (e.target as HTMLInputElement).checked)} /></td>
                    <th scope="row">${c.code}</th>
                    <td>${sexLabel(c.sex)}</td>
                    <td>${c.birthYear ?? '–'}</td>
                    <td><button @click=${() => this.select(c.id)} aria-label="${t(lang, 'open')} ${c.code}">${t(lang, 'open')}</button></td>
                  </tr>`,
                )}
              </tbody>
            </table>
            <button ?disabled=${this.selected.size === 0} @click=${this.exportSelected}>${t(lang, 'exportSelected', { count: this.selected.size })}</button>`}
      </section>
    `;
  }
}
