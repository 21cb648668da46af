/* This file is part of e-Daftar.  The COPYRIGHT file at the top level of
   this repository contains the full copyright notices and license terms.

   Directives to my unit (edaftar_directive): the open lines of the orders
   of the Chief Minister and the Chief Secretary that the user's scope
   sees, as the web client's Directive Inbox (act_line_form) shows them —
   tabs With Me ([held_by_me, state in waiting/in_progress]), Overdue
   ([overdue]) and Open ([state in waiting/in_progress/replied]) — overdue
   first, then the server's order (CM before CS, the most pressing, the
   nearest deadline).  A line opens with the order's text, its issuer,
   deadline and state, the remarks of the issuing office after a
   send-back, and the action reports written so far.

   Replying is what the web client does: an edaftar.directive.report is
   created (text), photos are attached to it (ir.attachment, compressed on
   the phone and checked on the server as every attachment is), then the
   line's button 'reply' (or 'regret') is clicked; 'start' takes a waiting
   line up.  The server decides who may; its refusal is shown as it is.
   A step refused leaves what was done (the report saved): the form says
   so and a new try goes on from there.

   Offline: a report's text (without photos) and Start wait in the outbox
   and are sent when back online; Reply and Regret are refused (they send
   the reports to the issuing office as the server has them then). */
import {html, useState, useEffect} from '../lib/html.js';
import {registerScreen} from '../registry.js';
import {bytesOf, bytesValue, toDate, today} from '../lib/rpc.js';
import {compressPhoto} from '../lib/images.js';
import {
    Screen, Section, List, Item, Empty, Loading, Facts, Button, Field, Icon,
    useCached, formatDate, formatStamp, formatNumber, priorityChip,
} from '../ui.js';

export const LINE = 'edaftar.directive.line';
const REPORT = 'edaftar.directive.report';
const OPEN = ['waiting', 'in_progress', 'replied'];
const MOVABLE = ['waiting', 'in_progress'];
// The web client's tabs of the Directive Inbox (directive.xml)
const WITH_ME = [['held_by_me', '=', true], ['state', 'in', MOVABLE]];
const TABS = [
    {id: 'mine', label: 'directives.tab.mine',
        test: (l) => l.held_by_me && MOVABLE.includes(l.state)},
    {id: 'overdue', label: 'directives.tab.overdue', test: (l) => l.overdue},
    {id: 'open', label: 'directives.tab.open', test: () => true},
];
const LIMIT = 500;
const LIST_FIELDS = ['number', 'subject', 'issuer', 'priority', 'deadline',
    'state', 'overdue', 'held_by_me', 'holder.rec_name',
    'department.rec_name', 'issued_at'];
const LINE_FIELDS = ['number', 'subject', 'text', 'issuer', 'priority',
    'deadline', 'due_date', 'state', 'overdue', 'held_by_me',
    'holder.rec_name', 'department.rec_name', 'issued_at', 'replied_at',
    'replied_by.rec_name', 'on_time', 'remarks', 'file', 'file.rec_name',
    'directive', 'directive.number', 'directive.date',
    'directive.issued_by.rec_name', 'directive.on_behalf_of.rec_name',
    // Reading the movements is opening the line, as the web client's
    // form does: the server marks the moves to me as read.
    'movements'];
const REPORT_FIELDS = ['text', 'author.rec_name', 'on_behalf_of.rec_name',
    'submitted_at', 'final'];
const TYPES = {pdf: 'application/pdf', png: 'image/png', jpg: 'image/jpeg',
    jpeg: 'image/jpeg', txt: 'text/plain'};

// Overdue first; otherwise the server's order is kept
function byOverdue(a, b) {
    return Number(Boolean(b.overdue)) - Number(Boolean(a.overdue));
}

function dueSoon(line) {
    if (!line.deadline || !MOVABLE.includes(line.state) || line.overdue) {
        return false;
    }
    return toDate(line.deadline) <= today(2);
}

// The rec_name of a field read through a relation: 'holder' reads
// record['holder.'].rec_name, 'directive.issued_by' the one under
// record['directive.']['issued_by.'] (trytond's dotted reads).
function name(record, path) {
    let value = record;
    for (const field of path.split('.')) {
        value = value ? value[`${field}.`] : null;
    }
    return value ? value.rec_name || '' : '';
}

function stateChip(app, state) {
    return {kind: 'state', text: app.t(`directives.state.${state}`)};
}

async function loadLines(app) {
    return app.searchRead(LINE, [['state', 'in', OPEN]],
        {fields: LIST_FIELDS, limit: LIMIT});
}

function Directives({app, query}) {
    const [tab, setTab] = useState(TABS.some((x) => x.id === query.tab)
        ? query.tab : 'mine');
    const state = useCached(app, 'directives/list', () => loadLines(app));
    const lines = [...(state.data || [])].sort(byOverdue);
    const current = TABS.find((x) => x.id === tab);
    const shown = lines.filter(current.test);
    const choose = (id) => {
        setTab(id);
        // Back from a line returns to this tab
        window.history.replaceState(null, '', `#/directives?tab=${id}`);
    };
    const refresh = () => {
        state.reload();
        app.refreshCounts();
    };
    return html`<${Screen} app=${app} title=${app.t('directives.title')}
            id="directives" onRefresh=${refresh}
            stale=${state.stale && !state.loading ? state.at : null}>
        <nav class="doc-tabs" role="tablist"
                aria-label=${app.t('directives.title')}>
            ${TABS.map((x) => html`<button type="button" role="tab"
                key=${x.id} id=${'directives-tab-' + x.id} data-tab=${x.id}
                aria-selected=${tab === x.id ? 'true' : 'false'}
                onClick=${() => choose(x.id)}>${app.t(x.label)}${state.data
                    ? ` (${formatNumber(lines.filter(x.test).length)})`
                    : ''}</button>`)}
        </nav>
        ${state.loading && !state.data ? html`<${Loading} />` : null}
        ${state.error && !state.data ? html`<${Empty}
            text=${state.error.offline ? app.t('offline.not_cached')
                : state.error.message} />` : null}
        ${state.data && !shown.length ? html`<${Empty}
            text=${app.t(`directives.empty.${tab}`)} />` : null}
        ${shown.length ? html`<${List} label=${app.t(current.label)}>
            ${shown.map((line) => html`<${Item} key=${line.id}
                id=${`${LINE},${line.id}`}
                href=${`#/directives/${line.id}`}
                title=${line.subject}
                subtitle=${[line.number,
                    app.t(`directives.issuer.${line.issuer}`)].join(' · ')}
                meta=${[app.t('directives.deadline_on',
                    {date: formatDate(line.deadline)}),
                    tab !== 'mine' ? app.t('doc.with', {name:
                        name(line, 'holder') || '—'}) : '']
                    .filter(Boolean).join(' · ')}
                overdue=${line.overdue}
                chips=${[dueSoon(line) ? {kind: 'urgent',
                    text: app.t('directives.due_soon')} : null,
                    priorityChip(line.priority),
                    tab === 'mine' ? null : stateChip(app, line.state)]} />`)}
        </${List}>` : null}
        ${lines.length >= LIMIT ? html`<p class="hint">${app.t(
            'directives.limit', {count: formatNumber(LIMIT)})}</p>` : null}
    </${Screen}>`;
}

async function loadLine(app, id) {
    const [[line], reports] = await Promise.all([
        app.call(LINE, 'read', [id], LINE_FIELDS),
        app.searchRead(REPORT, [['line', '=', id]],
            {fields: REPORT_FIELDS, order: [['submitted_at', 'ASC'],
                ['id', 'ASC']]}),
    ]);
    // The order's annexures and the reports' photos, in one search
    const resources = [`edaftar.directive,${line.directive}`,
        ...reports.map((r) => `${REPORT},${r.id}`)];
    const attachments = await app.searchRead('ir.attachment',
        [['resource', 'in', resources]],
        {fields: ['name', 'type', 'link', 'resource'],
            order: [['id', 'ASC']]});
    delete line.movements;
    return {line, reports, attachments};
}

function typeOf(fileName) {
    const extension = (fileName || '').split('.').pop().toLowerCase();
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
        if (!app.online) {
            app.error({message: app.t('directives.attachment_offline')});
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
                aria-expanded=${view ? 'true' : 'false'}
                aria-busy=${busy ? 'true' : null}>
            <${Icon} name="attach" /> ${attachment.name}
        </button>
        ${view ? html`<div class="viewer">
            ${view.type.startsWith('image/') ? html`<img class="viewer-image"
                src=${view.url} alt=${view.name} />` : null}
            ${view.type === 'application/pdf' ? html`<iframe
                class="viewer-pdf" src=${view.url}
                title=${view.name}></iframe>` : null}
            <a class="button button-secondary" href=${view.url}
                download=${view.name}>${app.t('doc.download')}</a>
        </div>` : null}
    </li>`;
}

function Attachments({app, list}) {
    if (!list.length) {
        return null;
    }
    return html`<ul class="attachments">${list.map((a) => html`<${Attachment}
        key=${a.id} app=${app} attachment=${a} />`)}</ul>`;
}

function Reports({app, reports, attachments}) {
    if (!reports.length) {
        return html`<${Empty} text=${app.t('directives.no_reports')} />`;
    }
    return html`<ol class="noting reports" id="directive-reports">
        ${reports.map((r, index) => html`<li key=${r.id} class="note report"
                data-id=${r.id}>
            <p class="note-number">${formatNumber(index + 1)}.</p>
            <div>
                <p class="note-text" dir="auto">${r.text}</p>
                <p class="note-meta">${[name(r, 'author'),
                    name(r, 'on_behalf_of') ? app.t('move.behalf',
                        {name: name(r, 'on_behalf_of')}) : '',
                    formatStamp(r.submitted_at),
                    r.final ? app.t('directives.report_sent') : '']
                    .filter(Boolean).join(' · ')}</p>
                <${Attachments} app=${app} list=${attachments.filter(
                    (a) => a.resource === `${REPORT},${r.id}`)} />
            </div>
        </li>`)}
    </ol>`;
}

function ReplyForm({app, line, onDone}) {
    const [text, setText] = useState('');
    const [photos, setPhotos] = useState([]);
    const [busy, setBusy] = useState('');
    const [progress, setProgress] = useState('');
    // The report saved by an earlier try, and the photos attached to it
    const [saved, setSaved] = useState(null);
    useEffect(() => () => photos.forEach((p) => URL.revokeObjectURL(p.url)),
        []);
    const addPhotos = async (event) => {
        const files = [...event.target.files];
        event.target.value = '';
        for (const file of files) {
            try {
                const photo = await compressPhoto(file);
                setPhotos((list) => [...list, {...photo,
                    url: URL.createObjectURL(photo.blob),
                    key: Math.random().toString(36).slice(2)}]);
            } catch (error) {
                app.error({message: app.t('directives.photo_unreadable',
                    {name: file.name})});
            }
        }
    };
    const removePhoto = (key) => setPhotos((list) => list.filter((p) => {
        if (p.key === key) {
            URL.revokeObjectURL(p.url);
        }
        return p.key !== key;
    }));
    const clear = () => {
        photos.forEach((p) => URL.revokeObjectURL(p.url));
        setPhotos([]);
        setText('');
        setSaved(null);
        setProgress('');
    };
    const label = (action) => app.t('outbox.label', {
        action: app.t(`directives.${action}`), document: line.number});

    const send = async (action) => {
        // action: 'report' (save the report only), 'reply' or 'regret'
        const words = text.trim();
        if (action === 'report' && !words && !(saved && photos.length)) {
            app.error({message: app.t('directives.report_needed')});
            return;
        }
        if (!words && photos.length && !saved) {
            app.error({message: app.t('directives.photo_needs_text')});
            return;
        }
        if (!app.online) {
            if (action !== 'report') {
                app.error({message: app.t('directives.answer_offline')});
                return;
            }
            if (photos.length) {
                app.error({message: app.t('directives.photo_offline')});
                return;
            }
            setBusy(action);
            try {
                await app.act({label: label('report'), model: REPORT,
                    method: 'create', args: [[{line: line.id, text: words}]],
                    queue: true});
                clear();
            } catch (error) {
                app.error(error);
            } finally {
                setBusy('');
            }
            return;
        }
        if (action === 'regret'
                && !window.confirm(app.t('directives.regret_confirm'))) {
            return;
        }
        setBusy(action);
        let report = saved ? saved.id : null;
        const attached = saved ? saved.attached : new Set();
        try {
            if (!report && words) {
                setProgress(app.t('directives.saving'));
                [report] = await app.act({label: label('report'),
                    model: REPORT, method: 'create',
                    args: [[{line: line.id, text: words}]]});
                setSaved({id: report, attached});
            }
            let index = 0;
            for (const photo of photos) {
                index += 1;
                if (attached.has(photo.key)) {
                    continue;
                }
                setProgress(app.t('directives.uploading',
                    {n: index, total: photos.length}));
                await app.call('ir.attachment', 'create', [{
                    name: `${line.number.replace(/[^\w-]+/g, '-')}`
                        + `-${report}-${index}.jpg`,
                    resource: `${REPORT},${report}`,
                    type: 'data',
                    data: await bytesValue(photo.blob),
                }]);
                attached.add(photo.key);
            }
            if (action !== 'report') {
                setProgress(app.t(`directives.${action}_sending`));
                await app.act({label: label(action), model: LINE,
                    method: action, args: [[line.id]]});
            }
            app.toast(app.t(`directives.${action}_done`,
                {number: line.number}), 'success');
            clear();
            app.refreshCounts();
            onDone();
        } catch (error) {
            app.error(report ? {
                message: error.message,
                description: [error.description,
                    app.t('directives.report_kept')].filter(Boolean)
                    .join('\n'),
            } : error);
            setProgress('');
        } finally {
            setBusy('');
        }
    };
    return html`<form class="form reply" id="directive-reply"
            onSubmit=${(e) => {
                e.preventDefault();
                send('reply');
            }}>
        <${Field} id="report-text" label=${app.t('directives.report_text')}
                hint=${app.t('directives.report_hint')}>
            <textarea id="report-text" rows="5" value=${text}
                disabled=${Boolean(saved)}
                onInput=${(e) => setText(e.target.value)}></textarea>
        </${Field}>
        ${saved ? html`<p class="hint">${app.t('directives.report_saved')}</p>`
            : null}
        <fieldset class="photos">
            <legend>${app.t('directives.photos')}</legend>
            <ul class="thumbs">
                ${photos.map((p, i) => html`<li key=${p.key} class="thumb">
                    <img src=${p.url} alt=${app.t('directives.photo',
                        {n: i + 1})} />
                    <span class="thumb-size">${formatNumber(
                        Math.round(p.blob.size / 1024))} KB</span>
                    <button type="button" class="thumb-remove"
                        aria-label=${app.t('directives.photo_remove',
                            {n: i + 1})}
                        onClick=${() => removePhoto(p.key)}>×</button>
                </li>`)}
            </ul>
            <label class="button button-secondary camera" for="report-photo">
                <${Icon} name="camera" /> ${app.t('directives.take_photo')}
            </label>
            <input id="report-photo" class="visually-hidden" type="file"
                accept="image/*" capture="environment" multiple
                onChange=${addPhotos} />
        </fieldset>
        ${!app.online ? html`<p class="hint offline-hint">
            ${app.t('directives.offline_hint')}</p>` : null}
        ${progress ? html`<p class="hint" role="status">${progress}</p>`
            : null}
        <div class="actions">
            <${Button} type="submit" id="directive-reply-submit"
                busy=${busy === 'reply'} disabled=${Boolean(busy)}>
                ${app.t('directives.reply')}</${Button}>
            <${Button} kind="secondary" id="directive-report-save"
                busy=${busy === 'report'} disabled=${Boolean(busy)}
                onClick=${() => send('report')}>
                ${app.t('directives.report')}</${Button}>
            <${Button} kind="danger" id="directive-regret"
                busy=${busy === 'regret'} disabled=${Boolean(busy)}
                onClick=${() => send('regret')}>
                ${app.t('directives.regret')}</${Button}>
        </div>
    </form>`;
}

function DirectiveLine({app, params}) {
    const id = Number(params.id);
    const [busy, setBusy] = useState(false);
    const state = useCached(app, `directives/line/${id}`,
        () => loadLine(app, id), [id]);
    const data = state.data;
    const line = data && data.line;
    const start = async () => {
        setBusy(true);
        try {
            const result = await app.act({
                label: app.t('outbox.label', {
                    action: app.t('directives.start'),
                    document: line.number}),
                model: LINE, method: 'start', args: [[id]], queue: true});
            if (!result || !result.queued) {
                app.toast(app.t('directives.start_done',
                    {number: line.number}), 'success');
                state.reload();
                app.refreshCounts();
            }
        } catch (error) {
            app.error(error);
        } finally {
            setBusy(false);
        }
    };
    const mine = line && line.held_by_me && MOVABLE.includes(line.state);
    const issuedBy = line && name(line, 'directive.issued_by');
    const behalf = line && name(line, 'directive.on_behalf_of');
    const order = {...((line && line['directive.']) || {}),
        resource: line ? `edaftar.directive,${line.directive}` : null};
    return html`<${Screen} app=${app} title=${line ? line.number
            : app.t('directives.line')} id="directive-line"
            onRefresh=${state.reload}
            stale=${state.stale && !state.loading ? state.at : null}>
        ${state.loading && !data ? html`<${Loading} />` : null}
        ${state.error && !data ? html`<${Empty}
            text=${state.error.offline ? app.t('offline.not_cached')
                : state.error.message} />` : null}
        ${line ? html`
            <div class="doc-head" data-model=${LINE} data-id=${id}>
                <p class="doc-subject" id="directive-subject" dir="auto">
                    ${line.subject}</p>
                <p class="doc-chips">
                    <span class="chip chip-state" id="directive-state"
                        data-state=${line.state}>${app.t(
                            `directives.state.${line.state}`)}</span>
                    ${line.overdue ? html`<span class="chip chip-overdue">
                        ${app.t('doc.overdue')}</span>` : null}
                    ${dueSoon(line) ? html`<span class="chip chip-urgent">
                        ${app.t('directives.due_soon')}</span>` : null}
                    ${priorityChip(line.priority) ? html`<span class=${
                        'chip chip-' + line.priority}>${app.t(
                            `priority.${line.priority}`)}</span>` : null}
                </p>
                <p class="doc-holder">${app.t('doc.with',
                    {name: name(line, 'holder') || '—'})}
                    ${line.held_by_me ? html` <strong class="chip chip-mine">
                        ${app.t('doc.with_me')}</strong>` : null}</p>
            </div>
            <${Facts} rows=${[
                [app.t('directives.issuer'), [
                    app.t(`directives.issuer.${line.issuer}`),
                    issuedBy && issuedBy !== behalf && issuedBy
                        !== app.t(`directives.issuer.${line.issuer}`)
                        ? issuedBy : '',
                    behalf ? app.t('move.behalf', {name: behalf}) : '']
                    .filter(Boolean).join(' · ')],
                [app.t('directives.order'), [order.number,
                    order.date ? formatDate(order.date) : '']
                    .filter(Boolean).join(' · ')],
                [app.t('directives.deadline'), formatDate(line.deadline)],
                [app.t('field.department'), name(line, 'department')],
                [app.t('directives.replied'), line.replied_at ? [
                    formatStamp(line.replied_at), name(line, 'replied_by'),
                    // (a boolean, or 0/1 from SQLite; null before a reply)
                    line.on_time ? app.t('directives.on_time')
                        : line.on_time === null ? ''
                        : app.t('directives.late')]
                    .filter(Boolean).join(' · ') : ''],
                [app.t('doc.file'), name(line, 'file')],
            ]} />
            ${line.remarks && line.state === 'in_progress' ? html`<${Section}
                    title=${app.t('directives.remarks')}
                    id="directive-remarks">
                <div class="paper-body" dir="auto">${line.remarks.split('\n')
                    .map((p, i) => html`<p key=${i}>${p}</p>`)}</div>
            </${Section}>` : null}
            <${Section} title=${app.t('directives.text')}>
                <div class="paper-body" id="directive-text" dir="auto">${
                    (line.text || '').split('\n').map(
                        (p, i) => html`<p key=${i}>${p}</p>`)}
                </div>
                <${Attachments} app=${app} list=${data.attachments.filter(
                    (a) => a.resource === order.resource)} />
            </${Section}>
            <${Section} title=${app.t('directives.reports')}
                    count=${data.reports.length}>
                <${Reports} app=${app} reports=${data.reports}
                    attachments=${data.attachments} />
            </${Section}>
            ${mine && line.state === 'waiting' ? html`<div class="actions">
                <${Button} kind="secondary" id="directive-start" busy=${busy}
                    onClick=${start}>${app.t('directives.start')}</${Button}>
                <span class="hint">${app.t('directives.start_hint')}</span>
            </div>` : null}
            ${mine ? html`<${Section} title=${app.t('directives.answer')}
                    id="directive-answer">
                <${ReplyForm} app=${app} line=${line}
                    onDone=${state.reload} />
            </${Section}>` : null}
            ${line.state === 'replied' ? html`<p class="hint"
                id="directive-awaiting">${app.t('directives.awaiting')}</p>`
                : null}
            ${!mine && MOVABLE.includes(line.state) ? html`<p class="hint">
                ${app.t('directives.not_mine', {name: name(line, 'holder')
                    || '—'})}</p>` : null}
        ` : null}
    </${Screen}>`;
}

const STRINGS = {
    en: {
        'directives.title': 'Directives to My Unit',
        'directives.menu': 'Directives',
        'directives.line': 'Directive',
        'directives.tab.mine': 'With Me',
        'directives.tab.overdue': 'Overdue',
        'directives.tab.open': 'Open',
        'directives.empty.mine': 'No directive is waiting with you.',
        'directives.empty.overdue': 'No directive of your unit is overdue.',
        'directives.empty.open': 'No open directive for your unit.',
        'directives.limit': 'Only the first {count} are shown.',
        'directives.issuer': 'Issued by',
        'directives.issuer.cm': 'Chief Minister',
        'directives.issuer.cs': 'Chief Secretary',
        'directives.order': 'Order',
        'directives.deadline': 'Deadline',
        'directives.deadline_on': 'Deadline {date}',
        'directives.due_soon': 'Due soon',
        'directives.replied': 'Replied',
        'directives.on_time': 'on time',
        'directives.late': 'late',
        'directives.state.waiting': 'Waiting',
        'directives.state.in_progress': 'In Progress',
        'directives.state.replied': 'Replied',
        'directives.state.done': 'Done',
        'directives.state.regretted': 'Regretted',
        'directives.text': 'The order',
        'directives.remarks': 'Sent back by the issuing office',
        'directives.reports': 'Action reports',
        'directives.no_reports': 'No action report yet.',
        'directives.report_sent': 'sent',
        'directives.answer': 'Report and reply',
        'directives.report_text': 'Action taken',
        'directives.report_hint': 'What was done (or, to regret, why it cannot be done). It goes to the issuing office with the reply.',
        'directives.photos': 'Photos (optional)',
        'directives.take_photo': 'Take a photo',
        'directives.photo': 'Photo {n}',
        'directives.photo_remove': 'Remove photo {n}',
        'directives.photo_unreadable': 'The photo {name} could not be read.',
        'directives.photo_needs_text': 'Write the report the photos go with.',
        'directives.photo_offline': 'Photos are sent only online: remove them, or save the report when back online.',
        'directives.report_needed': 'Write the report first.',
        'directives.start': 'Start',
        'directives.start_hint': 'Tells the issuing office your unit has taken it up.',
        'directives.start_done': 'Started: {number}',
        'directives.report': 'Save Report',
        'directives.report_done': 'Report saved on {number}.',
        'directives.reply': 'Send Reply',
        'directives.reply_sending': 'Sending the reply…',
        'directives.reply_done': 'Replied: {number}',
        'directives.regret': 'Regret',
        'directives.regret_sending': 'Sending the regret…',
        'directives.regret_done': 'Regretted: {number}',
        'directives.regret_confirm': 'Tell the issuing office that your unit cannot comply? The line is then closed as Regretted.',
        'directives.saving': 'Saving the report…',
        'directives.uploading': 'Sending photo {n} of {total}…',
        'directives.report_saved': 'The report is saved; its photos and the reply go on from there.',
        'directives.report_kept': 'The report is saved: press the button again to go on.',
        'directives.answer_offline': 'A reply or a regret needs the server (it sends the reports as they are there): nothing was sent, answer when back online.',
        'directives.offline_hint': 'Offline: a report (text only) waits on the phone and is sent when back online; Reply and Regret need the connection.',
        'directives.attachment_offline': 'Attachments open only online.',
        'directives.awaiting': 'Replied: awaiting the issuing office.',
        'directives.not_mine': 'With {name}: only whoever holds the line reports on it and replies.',
    },
    ur: {
        'directives.title': 'میرے یونٹ کے لیے ہدایات',
        'directives.menu': 'ہدایات',
        'directives.line': 'ہدایت',
        'directives.tab.mine': 'میرے پاس',
        'directives.tab.overdue': 'مدت گزر چکی',
        'directives.tab.open': 'زیرِ عمل',
        'directives.empty.mine': 'آپ کے پاس کوئی ہدایت زیرِ التوا نہیں۔',
        'directives.empty.overdue': 'آپ کے یونٹ کی کسی ہدایت کی مدت نہیں گزری۔',
        'directives.empty.open': 'آپ کے یونٹ کے لیے کوئی زیرِ عمل ہدایت نہیں۔',
        'directives.limit': 'صرف پہلی {count} دکھائی گئی ہیں۔',
        'directives.issuer': 'جاری کنندہ',
        'directives.issuer.cm': 'وزیرِ اعلیٰ',
        'directives.issuer.cs': 'چیف سیکرٹری',
        'directives.order': 'حکم نامہ',
        'directives.deadline': 'آخری تاریخ',
        'directives.deadline_on': 'آخری تاریخ {date}',
        'directives.due_soon': 'تاریخ قریب',
        'directives.replied': 'جواب دیا گیا',
        'directives.on_time': 'بروقت',
        'directives.late': 'تاخیر سے',
        'directives.state.waiting': 'منتظر',
        'directives.state.in_progress': 'زیرِ عمل',
        'directives.state.replied': 'جواب بھیج دیا',
        'directives.state.done': 'مکمل',
        'directives.state.regretted': 'معذرت',
        'directives.text': 'حکم',
        'directives.remarks': 'جاری کرنے والے دفتر کی طرف سے واپس',
        'directives.reports': 'کارروائی کی رپورٹیں',
        'directives.no_reports': 'ابھی کوئی کارروائی رپورٹ نہیں۔',
        'directives.report_sent': 'بھیج دی گئی',
        'directives.answer': 'رپورٹ اور جواب',
        'directives.report_text': 'کی گئی کارروائی',
        'directives.report_hint': 'کیا کیا گیا (یا معذرت کی صورت میں، کیوں نہیں ہو سکتا)۔ یہ جواب کے ساتھ جاری کرنے والے دفتر کو جاتی ہے۔',
        'directives.photos': 'تصاویر (اختیاری)',
        'directives.take_photo': 'تصویر لیں',
        'directives.photo': 'تصویر {n}',
        'directives.photo_remove': 'تصویر {n} ہٹائیں',
        'directives.photo_unreadable': 'تصویر {name} پڑھی نہ جا سکی۔',
        'directives.photo_needs_text': 'وہ رپورٹ لکھیں جس کے ساتھ یہ تصاویر جائیں گی۔',
        'directives.photo_offline': 'تصاویر صرف آن لائن بھیجی جاتی ہیں: انہیں ہٹا دیں، یا آن لائن ہونے پر رپورٹ محفوظ کریں۔',
        'directives.report_needed': 'پہلے رپورٹ لکھیں۔',
        'directives.start': 'شروع کریں',
        'directives.start_hint': 'جاری کرنے والے دفتر کو بتاتا ہے کہ آپ کے یونٹ نے کام شروع کر دیا ہے۔',
        'directives.start_done': 'شروع کر دیا: {number}',
        'directives.report': 'رپورٹ محفوظ کریں',
        'directives.report_done': '{number} پر رپورٹ محفوظ ہو گئی۔',
        'directives.reply': 'جواب بھیجیں',
        'directives.reply_sending': 'جواب بھیجا جا رہا ہے…',
        'directives.reply_done': 'جواب بھیج دیا: {number}',
        'directives.regret': 'معذرت',
        'directives.regret_sending': 'معذرت بھیجی جا رہی ہے…',
        'directives.regret_done': 'معذرت بھیج دی: {number}',
        'directives.regret_confirm': 'کیا جاری کرنے والے دفتر کو بتا دیا جائے کہ آپ کا یونٹ اس پر عمل نہیں کر سکتا؟ اس کے بعد یہ ہدایت "معذرت" کے طور پر بند ہو جائے گی۔',
        'directives.saving': 'رپورٹ محفوظ کی جا رہی ہے…',
        'directives.uploading': 'تصویر {n} از {total} بھیجی جا رہی ہے…',
        'directives.report_saved': 'رپورٹ محفوظ ہو چکی ہے؛ تصاویر اور جواب یہیں سے آگے بڑھیں گے۔',
        'directives.report_kept': 'رپورٹ محفوظ ہو چکی ہے: آگے بڑھنے کے لیے بٹن دوبارہ دبائیں۔',
        'directives.answer_offline': 'جواب یا معذرت کے لیے سرور درکار ہے (رپورٹیں وہیں سے جاتی ہیں): کچھ نہیں بھیجا گیا، آن لائن ہونے پر جواب دیں۔',
        'directives.offline_hint': 'آف لائن: رپورٹ (صرف متن) فون پر محفوظ رہے گی اور آن لائن ہونے پر بھیج دی جائے گی؛ جواب اور معذرت کے لیے کنکشن ضروری ہے۔',
        'directives.attachment_offline': 'منسلکات صرف آن لائن کھلتے ہیں۔',
        'directives.awaiting': 'جواب بھیج دیا گیا: جاری کرنے والے دفتر کا انتظار ہے۔',
        'directives.not_mine': '{name} کے پاس: صرف وہی اس پر رپورٹ اور جواب دے سکتا ہے جس کے پاس یہ ہدایت ہو۔',
    },
};

registerScreen({
    id: 'directives',
    path: '/directives',
    component: Directives,
    title: 'directives.title',
    requires: [LINE],
    menu: {order: 30, icon: 'directive', label: 'directives.menu'},
    // The lines waiting with me (the web client's tab With Me)
    badge: (app) => app.searchCount(LINE, WITH_ME),
    strings: STRINGS,
});

registerScreen({
    id: 'directive-line',
    path: '/directives/:id',
    component: DirectiveLine,
    title: 'directives.line',
    requires: [LINE],
    opens: [LINE],
    form: true,
});
