/* This file is part of e-Daftar.  The COPYRIGHT file at the top level of
   this repository contains the full copyright notices and license terms.

   Waiting to send: the actions taken offline, in the order they were
   made, with their outcome once sent — done, or the server's refusal and
   its message.  An outcome stays until dismissed. */
import {html} from '../lib/html.js';
import {registerScreen} from '../registry.js';
import {Screen, Empty, Button, formatDateTime} from '../ui.js';

function Outbox({app, outboxItems}) {
    const items = outboxItems;
    const send = () => app.outbox && app.outbox.flush();
    return html`<${Screen} app=${app} title=${app.t('outbox.title')}
            id="outbox">
        <p class="hint">${app.t('outbox.explain')}</p>
        ${!items.length ? html`<${Empty} text=${app.t('outbox.empty')} />`
            : null}
        <ol class="outbox">
            ${items.map((item) => html`<li key=${item.id}
                    class=${'outbox-item outbox-' + item.state}
                    data-state=${item.state}>
                <p class="outbox-label">${item.label}</p>
                <p class="outbox-state">${`${app.t(`outbox.state.${item.state}`)}`
                    + ` · ${formatDateTime(new Date(item.done
                        || item.created))}`}</p>
                ${item.state === 'refused' ? html`<p class="outbox-message"
                    role="alert">${item.message}${item.description
                        ? html`<br />${item.description}` : null}</p>` : null}
                <div class="actions">
                    ${item.document && item.document.model ? html`<a
                        class="button button-secondary"
                        href=${`#/doc/${item.document.model}/${item.document.id}`}>
                        ${app.t('outbox.open')}</a>` : null}
                    ${item.state === 'refused' ? html`<${Button}
                        kind="secondary" onClick=${() => app.outbox.retry(item.id)}>
                        ${app.t('outbox.retry')}</${Button}>` : null}
                    ${item.state !== 'sending' ? html`<${Button} kind="secondary"
                        onClick=${() => app.outbox.dismiss(item.id)}>
                        ${item.state === 'waiting' ? app.t('outbox.cancel')
                            : app.t('outbox.dismiss')}</${Button}>` : null}
                </div>
            </li>`)}
        </ol>
        ${items.some((i) => i.state === 'waiting') && app.online
            ? html`<${Button} onClick=${send}>${app.t('outbox.send_now')}</${Button}>`
            : null}
    </${Screen}>`;
}

registerScreen({
    id: 'outbox',
    path: '/outbox',
    component: Outbox,
    title: 'outbox.title',
});
