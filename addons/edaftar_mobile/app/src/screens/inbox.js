/* This file is part of e-Daftar.  The COPYRIGHT file at the top level of
   this repository contains the full copyright notices and license terms.

   One inbox tab: the receipts and files of the tab's domains, most
   pressing first (overdue, immediate, urgent, then by due date).  The
   last reading is kept on the phone and shown offline, marked stale. */
import {html, useEffect} from '../lib/html.js';
import {storageSet} from '../lib/session.js';
import {registerScreen} from '../registry.js';
import {TABS, RECEIPT, FILE, LIST_FIELDS, byPressing} from '../lib/inbox.js';
import {
    Screen, List, Item, Empty, Loading, useCached, formatDate, priorityChip,
    confidentialityChip,
} from '../ui.js';

const LIMIT = 100;

export function documentHref(model, id) {
    return `#/doc/${model}/${id}`;
}

function Inbox({app, params}) {
    const tab = TABS.find((x) => x.id === params.tab) || TABS[1];
    useEffect(() => {
        // Where a move sends the user back to (act.js)
        storageSet('edaftar_mobile_tab', tab.id, sessionStorage);
    }, [tab.id]);
    const state = useCached(app, `inbox/${tab.id}`, async () => {
        const [receipts, files] = await Promise.all([
            app.searchRead(RECEIPT, tab.receipt,
                {fields: LIST_FIELDS[RECEIPT], limit: LIMIT}),
            app.hasModel(FILE) ? app.searchRead(FILE, tab.file,
                {fields: LIST_FIELDS[FILE], limit: LIMIT}) : [],
        ]);
        return [
            ...receipts.map((r) => ({...r, model: RECEIPT})),
            ...files.map((f) => ({...f, model: FILE})),
        ].sort(byPressing);
    }, [tab.id]);
    const rows = state.data || [];
    const refresh = () => {
        state.reload();
        app.refreshCounts();
    };
    const holder = tab.id === 'sent' || tab.id === 'information'
        || tab.id === 'flagged';
    return html`<${Screen} app=${app} title=${app.t(tab.label)} id="inbox"
            stale=${state.stale && !state.loading ? state.at : null}
            onRefresh=${refresh}>
        ${state.loading && !state.data ? html`<${Loading} />` : null}
        ${!state.loading && !rows.length && !state.error
            ? html`<${Empty} text=${app.t('inbox.empty')} />` : null}
        ${state.error && !state.data ? html`<${Empty}
            text=${state.error.offline ? app.t('offline.not_cached')
                : state.error.message} />` : null}
        ${rows.length ? html`<${List} label=${app.t(tab.label)}>
            ${rows.map((row) => html`<${Item} key=${row.model + row.id}
                id=${row.model + ',' + row.id}
                href=${documentHref(row.model, row.id)}
                title=${row.subject}
                subtitle=${[row.number || app.t('doc.unnumbered'),
                    row.model === FILE ? app.t('doc.file')
                        : row.sender_name].filter(Boolean).join(' · ')}
                meta=${[row.due_date ? app.t('doc.due', {date:
                    formatDate(row.due_date)}) : '',
                    holder && row['holder.'] ? app.t('doc.with', {name:
                        row['holder.'].rec_name}) : ''].filter(Boolean)
                    .join(' · ')}
                unread=${row.unread_by_me && tab.id !== 'sent'}
                overdue=${row.overdue}
                chips=${[priorityChip(row.priority),
                    confidentialityChip(row.confidentiality)]} />`)}
        </${List}>` : null}
    </${Screen}>`;
}

registerScreen({
    id: 'inbox',
    path: '/inbox/:tab',
    component: Inbox,
    title: 'home.inbox',
    requires: ['edaftar.receipt'],
});
