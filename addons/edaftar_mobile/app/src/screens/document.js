/* This file is part of e-Daftar.  The COPYRIGHT file at the top level of
   this repository contains the full copyright notices and license terms.

   A receipt or a file: its particulars, what can be done with it, the
   movement trail, the noting (files), the attachments (images and PDF
   shown in the app from the data read over RPC, as a blob: address) and
   the document's chat.  Reading the document with its 'movements' is what
   the web client's form does: the server marks the moves to me as read. */
import {html, useState, useEffect} from '../lib/html.js';
import {registerScreen} from '../registry.js';
import {RECEIPT, FILE} from '../lib/inbox.js';
import {bytesOf} from '../lib/rpc.js';
import {
    Screen, Section, Facts, List, Item, Empty, Loading, Button, Icon,
    useCached, formatDate, formatStamp, priorityChip, confidentialityChip,
} from '../ui.js';

const FIELDS = {
    [RECEIPT]: ['number', 'subject', 'sender_name', 'sender_designation',
        'sender_organisation', 'letter_ref', 'letter_date', 'received_date',
        'mode', 'category', 'priority', 'confidentiality', 'state',
        'holder.rec_name', 'holder_unit.rec_name', 'due_date',
        'file', 'file.rec_name', 'department.rec_name', 'held_by_me',
        'sent_by_me', 'flagged_by_me', 'overdue', 'movements'],
    [FILE]: ['number', 'subject', 'description', 'priority',
        'confidentiality', 'state', 'holder.rec_name',
        'holder_unit.rec_name', 'due_date', 'section.rec_name',
        'department.rec_name', 'held_by_me', 'sent_by_me', 'flagged_by_me',
        'overdue', 'movements'],
};
const MOVEMENT_FIELDS = ['sent_at', 'action', 'purpose',
    'from_employee.rec_name', 'to_employee.rec_name', 'to_unit.rec_name',
    'instructions', 'due_date', 'read_at', 'on_behalf_of.rec_name'];
const NOTE_FIELDS = ['number', 'text', 'author.rec_name',
    'on_behalf_of.rec_name', 'written_at'];
const MOVABLE = {
    [RECEIPT]: ['registered', 'in_process', 'actioned'],
    [FILE]: ['open'],
};
const TYPES = {
    pdf: 'application/pdf', png: 'image/png', jpg: 'image/jpeg',
    jpeg: 'image/jpeg', tif: 'image/tiff', tiff: 'image/tiff',
    txt: 'text/plain',
};

export function movementField(model) {
    return model === RECEIPT ? 'receipt' : 'file';
}

export async function loadDocument(app, model, id) {
    const resource = `${model},${id}`;
    const reads = [
        app.call(model, 'read', [id], FIELDS[model]),
        app.searchRead('edaftar.movement', [[movementField(model), '=', id]],
            {fields: MOVEMENT_FIELDS, order: [['sent_at', 'ASC'],
                ['id', 'ASC']]}),
        app.searchRead('ir.attachment', [['resource', '=', resource]],
            {fields: ['name', 'type', 'link', 'create_date'],
                order: [['id', 'ASC']]}),
    ];
    if (model === FILE) {
        reads.push(
            app.searchRead('edaftar.note', [['file', '=', id]],
                {fields: NOTE_FIELDS, order: [['number', 'ASC']]}),
            app.searchRead(RECEIPT, [['file', '=', id]],
                {fields: ['number', 'subject', 'state'],
                    order: [['id', 'ASC']]}),
            app.hasModel('edaftar.draft')
                ? app.searchRead('edaftar.draft', [['file', '=', id]],
                    {fields: ['subject', 'state', 'kind', 'version'],
                        order: [['id', 'DESC']]})
                : Promise.resolve([]));
    }
    const [[record], movements, attachments, notes = [], receipts = [],
        drafts = []] = await Promise.all(reads);
    return {record, movements, attachments, notes, receipts, drafts};
}

function typeOf(name) {
    const extension = (name || '').split('.').pop().toLowerCase();
    return TYPES[extension] || 'application/octet-stream';
}

function Attachment({app, attachment}) {
    const [view, setView] = useState(null);
    const [busy, setBusy] = useState(false);
    useEffect(() => () => {
        if (view) {
            URL.revokeObjectURL(view.url);
        }
    }, [view]);
    if (attachment.type === 'link') {
        return html`<li class="attachment">
            <a href=${attachment.link} rel="noopener noreferrer"
                target="_blank">${attachment.name}</a></li>`;
    }
    const open = async () => {
        if (view) {
            setView(null);
            return;
        }
        setBusy(true);
        try {
            const [row] = await app.call('ir.attachment', 'read',
                [attachment.id], ['data', 'name']);
            const type = typeOf(row.name);
            const blob = new Blob([bytesOf(row.data)], {type});
            setView({url: URL.createObjectURL(blob), type, name: row.name});
        } catch (error) {
            app.error(error);
        } finally {
            setBusy(false);
        }
    };
    return html`<li class="attachment" data-id=${attachment.id}>
        <button type="button" class="attachment-open" onClick=${open}
                aria-expanded=${view ? 'true' : 'false'} aria-busy=${busy
                    ? 'true' : null}>
            <${Icon} name="attach" /> ${attachment.name}
        </button>
        ${view ? html`<div class="viewer">
            ${view.type.startsWith('image/') && view.type !== 'image/tiff'
                ? html`<img class="viewer-image" src=${view.url}
                    alt=${view.name} />` : null}
            ${view.type === 'application/pdf' ? html`<iframe
                class="viewer-pdf" src=${view.url}
                title=${view.name}></iframe>` : null}
            <a class="button button-secondary" href=${view.url}
                download=${view.name}>${app.t('doc.download')}</a>
        </div>` : null}
    </li>`;
}

function Chat({app, model, id}) {
    const resource = `${model},${id}`;
    const state = useCached(app, `chat/${resource}`,
        () => app.call('ir.chat.channel', 'get', resource), [resource]);
    const [text, setText] = useState('');
    const [busy, setBusy] = useState(false);
    const send = async (event) => {
        event.preventDefault();
        if (!text.trim()) {
            return;
        }
        setBusy(true);
        try {
            const result = await app.act({
                label: app.t('chat.queued_label'),
                model: 'ir.chat.channel', method: 'post',
                args: [resource, text.trim(), 'internal'], queue: true,
                document: {model, id},
            });
            setText('');
            if (!result || !result.queued) {
                state.reload();
            }
        } catch (error) {
            app.error(error);
        } finally {
            setBusy(false);
        }
    };
    const messages = state.data || [];
    return html`<div class="chat">
        ${state.loading && !state.data ? html`<${Loading} />` : null}
        ${!state.loading && !messages.length ? html`<${Empty}
            text=${app.t('chat.empty')} />` : null}
        <ol class="messages">
            ${messages.map((m) => html`<li key=${m.id} class=${'chat-message'
                    + (m.user === (app.user && app.user.id) ? ' mine' : '')}>
                <p class="chat-author">${m.author}
                    <time>${formatStamp(m.timestamp)}</time></p>
                <p class="chat-text">${m.content}</p>
            </li>`)}
        </ol>
        <form class="chat-form" onSubmit=${send}>
            <label class="visually-hidden" for="chat-text">
                ${app.t('chat.write')}</label>
            <textarea id="chat-text" rows="2" value=${text}
                placeholder=${app.t('chat.write')}
                onInput=${(e) => setText(e.target.value)}></textarea>
            <${Button} type="submit" busy=${busy}>${app.t('chat.send')}</${Button}>
        </form>
    </div>`;
}

function Trail({app, movements}) {
    if (!movements.length) {
        return html`<${Empty} text=${app.t('doc.no_movements')} />`;
    }
    return html`<ol class="trail">
        ${movements.map((m) => html`<li key=${m.id} class="move">
            <p class="move-head">
                <strong>${app.t(`action.${m.action}`)}</strong>
                ${m.purpose === 'information'
                    ? html` <span class="chip">${app.t('move.information')}</span>`
                    : null}
                <time>${formatStamp(m.sent_at)}</time>
            </p>
            <p class="move-people">${app.t('move.from_to', {
                from: m['from_employee.'] ? m['from_employee.'].rec_name : '—',
                to: m['to_employee.'] ? m['to_employee.'].rec_name
                    : (m['to_unit.'] ? m['to_unit.'].rec_name : '—')})}</p>
            ${m['on_behalf_of.'] ? html`<p class="move-behalf">${app.t(
                'move.behalf', {name: m['on_behalf_of.'].rec_name})}</p>`
                : null}
            ${m.instructions ? html`<p class="move-text">${m.instructions}</p>`
                : null}
            <p class="move-meta">
                ${m.due_date ? app.t('doc.due', {date: formatDate(m.due_date)})
                    : ''}
                ${m.read_at ? ' · ' + app.t('move.read', {time:
                    formatStamp(m.read_at)}) : ' · ' + app.t('move.unread')}
            </p>
        </li>`)}
    </ol>`;
}

function Noting({app, notes}) {
    if (!notes.length) {
        return html`<${Empty} text=${app.t('note.empty')} />`;
    }
    return html`<ol class="noting">
        ${notes.map((n) => html`<li key=${n.id} class="note">
            <p class="note-number">${n.number}.</p>
            <div>
                <p class="note-text">${n.text}</p>
                <p class="note-meta">${[n['author.'] && n['author.'].rec_name,
                    n['on_behalf_of.'] ? app.t('move.behalf',
                        {name: n['on_behalf_of.'].rec_name}) : '',
                    formatStamp(n.written_at)].filter(Boolean).join(' · ')}</p>
            </div>
        </li>`)}
    </ol>`;
}

function Document({app, params, query}) {
    const {model} = params;
    const id = Number(params.id);
    const [tab, setTab] = useState(query.tab || 'details');
    const state = useCached(app, `doc/${model}/${id}`,
        () => loadDocument(app, model, id), [model, id]);
    const isFile = model === FILE;
    const data = state.data;
    const record = data && data.record;
    const title = record ? (record.number || app.t('doc.unnumbered'))
        : app.t(isFile ? 'doc.file' : 'doc.receipt');
    const tabs = [
        ['details', app.t('doc.details')],
        ...(isFile ? [['noting', app.t('doc.noting')]] : []),
        ['trail', app.t('doc.trail')],
        ['attachments', app.t('doc.attachments')],
        ['chat', app.t('doc.chat')],
    ];
    const go = (action) => app.navigate(`/doc/${model}/${id}/${action}`);
    let actions = [];
    if (record) {
        const movable = MOVABLE[model].includes(record.state);
        if (record.held_by_me && movable) {
            if (!isFile && record.state === 'registered') {
                actions.push(['mark', app.t('action.mark')]);
            }
            actions.push(['forward', app.t('action.forward')]);
            actions.push(['return', app.t('action.return')]);
            if (!isFile && !record.file) {
                actions.push(['file', app.t('action.put_in_file')]);
            }
            if (isFile) {
                actions.push(['note', app.t('action.note')]);
            }
        } else if (movable) {
            // Not mine: the server refuses a move by someone who does not
            // hold it; a forward is offered all the same (it says why).
            actions.push(['forward', app.t('action.forward')]);
            if (record.sent_by_me) {
                actions.push(['pull_back', app.t('action.pull_back')]);
            }
        }
        actions.push(['flag', app.t('action.flag')]);
    }
    const chips = record ? [priorityChip(record.priority),
        confidentialityChip(record.confidentiality)].filter(Boolean) : [];
    return html`<${Screen} app=${app} title=${title} id="document"
            stale=${state.stale && !state.loading ? state.at : null}
            onRefresh=${state.reload}>
        ${state.loading && !data ? html`<${Loading} />` : null}
        ${state.error && !data ? html`<${Empty}
            text=${state.error.offline ? app.t('offline.not_cached')
                : state.error.message} />` : null}
        ${record ? html`
            <div class="doc-head" data-model=${model} data-id=${id}>
                <p class="doc-subject" id="doc-subject">${record.subject}</p>
                <p class="doc-chips">
                    <span class="chip chip-state">${app.t(
                        `state.${record.state}`)}</span>
                    ${record.overdue ? html`<span class="chip chip-overdue">
                        ${app.t('doc.overdue')}</span>` : null}
                    ${chips.map((c) => html`<span class=${'chip chip-' + c.kind}>
                        ${c.text}</span>`)}
                    ${record.flagged_by_me ? html`<span class="chip chip-flag">
                        ${app.t('doc.flagged')}</span>` : null}
                </p>
                <p class="doc-holder">${app.t('doc.with', {name:
                    record['holder.'] ? record['holder.'].rec_name : '—'})}
                    ${record.held_by_me ? html` <strong class="chip chip-mine">
                        ${app.t('doc.with_me')}</strong>` : null}</p>
            </div>
            <div class="actions" role="group" aria-label=${app.t('doc.actions')}>
                ${actions.map(([action, label]) => html`<${Button}
                    key=${action} id=${'act-' + action}
                    kind=${action === 'forward' || action === 'mark'
                        ? 'primary' : 'secondary'}
                    onClick=${() => go(action)}>${label}</${Button}>`)}
            </div>
            <nav class="doc-tabs" role="tablist">
                ${tabs.map(([key, label]) => html`<button type="button"
                    role="tab" key=${key} id=${'tab-' + key}
                    aria-selected=${tab === key ? 'true' : 'false'}
                    onClick=${() => setTab(key)}>${label}${key === 'attachments'
                        && data.attachments.length ? ` (${data.attachments.length})`
                        : ''}${key === 'noting' && data.notes.length
                        ? ` (${data.notes.length})` : ''}</button>`)}
            </nav>
            ${tab === 'details' ? html`<${Details} app=${app} model=${model}
                data=${data} />` : null}
            ${tab === 'noting' ? html`<${Noting} app=${app}
                notes=${data.notes} />` : null}
            ${tab === 'trail' ? html`<${Trail} app=${app}
                movements=${data.movements} />` : null}
            ${tab === 'attachments' ? (data.attachments.length
                ? html`<ul class="attachments">${data.attachments.map(
                    (a) => html`<${Attachment} key=${a.id} app=${app}
                        attachment=${a} />`)}</ul>`
                : html`<${Empty} text=${app.t('doc.no_attachments')} />`)
                : null}
            ${tab === 'chat' ? html`<${Chat} app=${app} model=${model}
                id=${id} />` : null}
        ` : null}
    </${Screen}>`;
}

function Details({app, model, data}) {
    const r = data.record;
    const name = (field) => (r[`${field}.`] ? r[`${field}.`].rec_name : '');
    if (model === FILE) {
        return html`
            <${Facts} rows=${[
                [app.t('field.subject'), r.subject],
                [app.t('field.description'), r.description],
                [app.t('field.section'), name('section')],
                [app.t('field.department'), name('department')],
                [app.t('field.holder_unit'), name('holder_unit')],
                [app.t('field.due_date'), formatDate(r.due_date)],
            ]} />
            <${Section} title=${app.t('doc.receipts')}
                    count=${data.receipts.length}>
                ${data.receipts.length ? html`<${List}
                        label=${app.t('doc.receipts')}>
                    ${data.receipts.map((x) => html`<${Item} key=${x.id}
                        href=${`#/doc/${RECEIPT}/${x.id}`} title=${x.subject}
                        subtitle=${x.number} />`)}</${List}>`
                    : html`<${Empty} text=${app.t('doc.no_receipts')} />`}
            </${Section}>
            ${data.drafts.length ? html`<${Section} title=${app.t('doc.drafts')}
                    count=${data.drafts.length}>
                <${List} label=${app.t('doc.drafts')}>
                    ${data.drafts.map((d) => html`<${Item} key=${d.id}
                        href=${`#/paper/edaftar.draft/${d.id}`}
                        title=${d.subject} subtitle=${app.t(`draft.${d.state}`)}
                        meta=${app.t('draft.version', {version: d.version})} />`)}
                </${List}></${Section}>` : null}`;
    }
    return html`<${Facts} rows=${[
        [app.t('field.sender'), [r.sender_name, r.sender_designation,
            r.sender_organisation].filter(Boolean).join(', ')],
        [app.t('field.letter_ref'), r.letter_ref],
        [app.t('field.letter_date'), formatDate(r.letter_date)],
        [app.t('field.received_date'), formatDate(r.received_date)],
        [app.t('field.mode'), app.t(`mode.${r.mode}`)],
        [app.t('field.category'), app.t(`category.${r.category}`)],
        [app.t('field.department'), name('department')],
        [app.t('field.holder_unit'), name('holder_unit')],
        [app.t('field.due_date'), formatDate(r.due_date)],
    ]} />
    ${r.file ? html`<p><a class="button button-secondary"
        href=${`#/doc/${FILE}/${r.file}`}>${app.t('doc.open_file',
            {file: name('file')})}</a></p>` : null}`;
}

registerScreen({
    id: 'document',
    path: '/doc/:model/:id',
    component: Document,
    title: 'doc.receipt',
    requires: ['edaftar.receipt'],
    opens: ['edaftar.receipt', 'edaftar.file'],
});
