/* This file is part of e-Daftar.  The COPYRIGHT file at the top level of
   this repository contains the full copyright notices and license terms.

   Acting on a receipt or a file, through the same RPC as the web client:
   a move is an edaftar.movement created (mark, forward, return, pull
   back), Put in File is edaftar.receipt place_in_file, a noting paragraph
   an edaftar.note created, a follow-up flag an edaftar.flag created.  The
   server decides; its refusal is shown as it is.

   Offline (doc/index.rst, "The app"): moves, noting and flags are queued
   in the outbox and sent when back online, with their outcome shown; Put
   in File is refused offline (it needs the server's list of one's files
   and may open a new file, which takes a number). */
import {html, useState, useEffect} from '../lib/html.js';
import {registerScreen} from '../registry.js';
import {RECEIPT, FILE} from '../lib/inbox.js';
import {fromDate, today} from '../lib/rpc.js';
import {storageGet} from '../lib/session.js';
import {
    Screen, Field, Button, EmployeePicker, Empty, Loading, List, Item,
} from '../ui.js';

const MOVES = ['mark', 'forward', 'return', 'pull_back'];
const QUEUED = new Set([...MOVES, 'note', 'flag']);
const DUE_DAYS = {normal: 7, urgent: 3, immediate: 1};

function afterMove(app) {
    // Back to the inbox tab the document was opened from: it has left it.
    const tab = storageGet('edaftar_mobile_tab', sessionStorage) || 'pending';
    window.location.replace(`#/inbox/${tab}`);
    app.refreshCounts();
}

function useDocument(app, model, id) {
    const [doc, setDoc] = useState(null);
    useEffect(() => {
        app.peek(`doc/${model}/${id}`).then((stored) => {
            if (stored && stored.data) {
                setDoc(stored.data.record);
            }
        });
    }, [model, id]);
    return doc;
}

function MoveForm({app, model, id, action, doc}) {
    const [recipient, setRecipient] = useState(null);
    const [instructions, setInstructions] = useState('');
    const [due, setDue] = useState('');
    const [information, setInformation] = useState(false);
    const [busy, setBusy] = useState(false);
    const needsRecipient = action === 'mark' || action === 'forward';
    const label = app.t(`action.${action}`);
    const name = doc ? doc.number || doc.subject : `${model} ${id}`;
    const submit = async (event) => {
        event.preventDefault();
        if (needsRecipient && !recipient) {
            app.error({message: app.t('move.recipient_needed')});
            return;
        }
        const values = {document: `${model},${id}`, action};
        if (recipient) {
            values.to_employee = recipient.id;
        }
        if (action !== 'pull_back') {
            if (instructions.trim()) {
                values.instructions = instructions.trim();
            }
            if (due) {
                values.due_date = fromDate(due);
            }
            if (information) {
                values.purpose = 'information';
            }
        }
        setBusy(true);
        try {
            const result = await app.act({
                label: app.t('outbox.label', {action: label, document: name}),
                model: 'edaftar.movement', method: 'create', args: [[values]],
                queue: true, document: {model, id, name},
            });
            if (!result || !result.queued) {
                app.toast(app.t('move.done', {action: label, document: name,
                    name: recipient ? recipient.name : ''}), 'success');
            }
            afterMove(app);
        } catch (error) {
            app.error(error);
            setBusy(false);
        }
    };
    if (action === 'pull_back') {
        return html`<form class="form" onSubmit=${submit} id="act-form">
            <p>${app.t('move.pull_back_explain')}</p>
            <${Button} type="submit" busy=${busy} id="act-submit">
                ${label}</${Button}>
        </form>`;
    }
    const suggested = doc && DUE_DAYS[doc.priority];
    return html`<form class="form" onSubmit=${submit} id="act-form">
        ${action === 'return' ? html`<p class="hint">
            ${app.t('move.return_explain')}</p>` : null}
        <${EmployeePicker} app=${app} value=${recipient}
            onChange=${setRecipient}
            label=${needsRecipient ? app.t('move.recipient')
                : app.t('move.recipient_optional')} />
        <${Field} id="instructions" label=${app.t('move.instructions')}>
            <textarea id="instructions" rows="3" value=${instructions}
                onInput=${(e) => setInstructions(e.target.value)}></textarea>
        </${Field}>
        <${Field} id="due-date" label=${app.t('move.due_date')}
                hint=${suggested && action === 'mark' ? app.t('move.due_hint',
                    {days: suggested}) : ''}>
            <input id="due-date" type="date" min=${today()} value=${due}
                onInput=${(e) => setDue(e.target.value)} />
        </${Field}>
        ${needsRecipient ? html`<label class="check">
            <input type="checkbox" id="information" checked=${information}
                onChange=${(e) => setInformation(e.target.checked)} />
            ${app.t('move.information_only')}</label>` : null}
        <${Button} type="submit" busy=${busy} id="act-submit">
            ${label}</${Button}>
    </form>`;
}

function PutInFile({app, id}) {
    const [files, setFiles] = useState(null);
    const [subject, setSubject] = useState('');
    const [busy, setBusy] = useState(false);
    useEffect(() => {
        if (!app.online) {
            setFiles([]);
            return;
        }
        app.searchRead(FILE, [['held_by_me', '=', true],
            ['state', '=', 'open']], {fields: ['number', 'subject'],
            order: [['id', 'DESC']], limit: 50})
            .then(setFiles, (error) => {
                app.error(error);
                setFiles([]);
            });
    }, []);
    const place = async (fileId) => {
        setBusy(true);
        try {
            await app.act({label: app.t('action.put_in_file'),
                model: RECEIPT, method: 'place_in_file',
                args: [[id], fileId], queue: false});
            app.toast(app.t('file.placed'), 'success');
            window.location.replace(`#/doc/${RECEIPT}/${id}`);
        } catch (error) {
            app.error(error);
            setBusy(false);
        }
    };
    const create = async (event) => {
        event.preventDefault();
        if (!subject.trim()) {
            return;
        }
        setBusy(true);
        try {
            const [fileId] = await app.act({label: app.t('file.new'),
                model: FILE, method: 'create',
                args: [[{subject: subject.trim()}]], queue: false});
            await place(fileId);
        } catch (error) {
            app.error(error);
            setBusy(false);
        }
    };
    if (!app.online) {
        return html`<${Empty} text=${app.t('file.offline')} />`;
    }
    return html`
        ${files === null ? html`<${Loading} />` : null}
        ${files && files.length ? html`<${List} label=${app.t('file.mine')}>
            ${files.map((f) => html`<${Item} key=${f.id} title=${f.subject}
                subtitle=${f.number} onClick=${() => !busy && place(f.id)} />`)}
        </${List}>` : null}
        ${files && !files.length ? html`<${Empty}
            text=${app.t('file.none')} />` : null}
        <form class="form" onSubmit=${create}>
            <${Field} id="file-subject" label=${app.t('file.new_subject')}>
                <input id="file-subject" value=${subject} required
                    onInput=${(e) => setSubject(e.target.value)} />
            </${Field}>
            <${Button} type="submit" busy=${busy}>${app.t('file.new')}</${Button}>
        </form>`;
}

function NoteForm({app, id, doc}) {
    const [text, setText] = useState('');
    const [busy, setBusy] = useState(false);
    const submit = async (event) => {
        event.preventDefault();
        if (!text.trim()) {
            return;
        }
        setBusy(true);
        try {
            const result = await app.act({
                label: app.t('outbox.label', {action: app.t('action.note'),
                    document: doc ? doc.number : id}),
                model: 'edaftar.note', method: 'create',
                args: [[{file: id, text: text.trim()}]], queue: true,
                document: {model: FILE, id},
            });
            if (!result || !result.queued) {
                app.toast(app.t('note.added'), 'success');
            }
            window.location.replace(`#/doc/${FILE}/${id}?tab=noting`);
        } catch (error) {
            app.error(error);
            setBusy(false);
        }
    };
    return html`<form class="form" onSubmit=${submit} id="act-form">
        <${Field} id="note-text" label=${app.t('note.text')}
                hint=${app.t('note.hint')}>
            <textarea id="note-text" rows="8" required value=${text}
                onInput=${(e) => setText(e.target.value)}></textarea>
        </${Field}>
        <${Button} type="submit" busy=${busy} id="act-submit">
            ${app.t('action.note')}</${Button}>
    </form>`;
}

function FlagForm({app, model, id, doc}) {
    const [urgency, setUrgency] = useState('normal');
    const [due, setDue] = useState(today(3));
    const [note, setNote] = useState('');
    const [busy, setBusy] = useState(false);
    const submit = async (event) => {
        event.preventDefault();
        setBusy(true);
        try {
            const values = {document: `${model},${id}`, urgency,
                due_date: fromDate(due)};
            if (note.trim()) {
                values.note = note.trim();
            }
            const result = await app.act({
                label: app.t('outbox.label', {action: app.t('action.flag'),
                    document: doc ? doc.number : id}),
                model: 'edaftar.flag', method: 'create', args: [[values]],
                queue: true, document: {model, id},
            });
            if (!result || !result.queued) {
                app.toast(app.t('flag.added'), 'success');
            }
            window.location.replace(`#/doc/${model}/${id}`);
        } catch (error) {
            app.error(error);
            setBusy(false);
        }
    };
    return html`<form class="form" onSubmit=${submit} id="act-form">
        <${Field} id="flag-urgency" label=${app.t('flag.urgency')}>
            <select id="flag-urgency" value=${urgency}
                    onChange=${(e) => setUrgency(e.target.value)}>
                ${['normal', 'urgent', 'immediate'].map((p) => html`<option
                    value=${p}>${app.t(`priority.${p}`)}</option>`)}
            </select>
        </${Field}>
        <${Field} id="flag-date" label=${app.t('flag.date')}>
            <input id="flag-date" type="date" required value=${due}
                onInput=${(e) => setDue(e.target.value)} />
        </${Field}>
        <${Field} id="flag-note" label=${app.t('flag.note')}>
            <textarea id="flag-note" rows="3" value=${note}
                onInput=${(e) => setNote(e.target.value)}></textarea>
        </${Field}>
        <${Button} type="submit" busy=${busy} id="act-submit">
            ${app.t('action.flag')}</${Button}>
    </form>`;
}

function Act({app, params}) {
    const {model, action} = params;
    const id = Number(params.id);
    const doc = useDocument(app, model, id);
    const titles = {
        file: 'action.put_in_file', note: 'action.note', flag: 'action.flag'};
    const title = app.t(titles[action] || `action.${action}`);
    let body;
    if (MOVES.includes(action)) {
        body = html`<${MoveForm} app=${app} model=${model} id=${id}
            action=${action} doc=${doc} />`;
    } else if (action === 'file' && model === RECEIPT) {
        body = html`<${PutInFile} app=${app} id=${id} />`;
    } else if (action === 'note' && model === FILE) {
        body = html`<${NoteForm} app=${app} id=${id} doc=${doc} />`;
    } else if (action === 'flag') {
        body = html`<${FlagForm} app=${app} model=${model} id=${id}
            doc=${doc} />`;
    } else {
        body = html`<${Empty} text=${app.t('screen.not_found')} />`;
    }
    return html`<${Screen} app=${app} title=${title} id="act">
        ${doc ? html`<p class="act-document">
            <strong>${doc.number}</strong> ${doc.subject}</p>` : null}
        ${!app.online ? html`<p class="hint offline-hint">${QUEUED.has(action)
            ? app.t('offline.will_queue') : app.t('offline.refused')}</p>`
            : null}
        ${body}
    </${Screen}>`;
}

registerScreen({
    id: 'act',
    path: '/doc/:model/:id/:action',
    component: Act,
    title: 'doc.actions',
    requires: ['edaftar.receipt'],
    form: true,
});
