/* This file is part of e-Daftar.  The COPYRIGHT file at the top level of
   this repository contains the full copyright notices and license terms.

   Awaiting my decision: drafts for approval on files I hold (edaftar_dak,
   tab "To Approve"), summaries for the CM and notes for the CS whose
   current step is mine (edaftar_summary, tab "Awaiting Me"), each kind
   shown only where its model is in the database.  A paper opens with its
   text and route; Approve / Send Back write the remarks on the paper and
   click the model's button, as the web client does.  Refused offline: a
   decision is taken on the text the server has now. */
import {html, useState} from '../lib/html.js';
import {registerScreen} from '../registry.js';
import {
    Screen, Section, List, Item, Empty, Loading, Facts, Button, Remarks,
    useCached, formatStamp,
} from '../ui.js';

export const PAPERS = [
    {
        model: 'edaftar.draft',
        label: 'paper.drafts',
        domain: [['state', '=', 'submitted'], ['file.held_by_me', '=', true],
            ['authored_by_me', '=', false]],
        fields: ['subject', 'kind', 'version', 'file.rec_name',
            'author.rec_name', 'state'],
        steps: 'edaftar.draft.step',
        paperField: 'draft',
    },
    {
        model: 'edaftar.summary',
        label: 'paper.summaries',
        domain: [['awaiting_me', '=', true]],
        fields: ['number', 'subject', 'department.rec_name',
            'author.rec_name', 'state', 'sent_at'],
        steps: 'edaftar.summary.step',
        paperField: 'summary',
    },
    {
        model: 'edaftar.cs_note',
        label: 'paper.cs_notes',
        domain: [['awaiting_me', '=', true]],
        fields: ['number', 'subject', 'department.rec_name',
            'author.rec_name', 'state', 'sent_at'],
        steps: 'edaftar.cs_note.step',
        paperField: 'note',
        review: true,
    },
];
const DETAIL_FIELDS = ['subject', 'body', 'state', 'author.rec_name',
    'remarks'];
const EXTRA_FIELDS = {
    'edaftar.draft': ['kind', 'version', 'file', 'file.rec_name',
        'addressee_name', 'addressee_designation', 'addressee_organisation'],
    'edaftar.summary': ['number', 'department.rec_name', 'sent_at'],
    'edaftar.cs_note': ['number', 'department.rec_name', 'sent_at',
        'reviewed_at'],
};
const STEP_FIELDS = ['sequence', 'role', 'approver.rec_name', 'decision',
    'current', 'remarks', 'decided_by.rec_name', 'on_behalf_of.rec_name',
    'decided_at'];

function available(app) {
    return PAPERS.filter((p) => app.hasModel(p.model));
}

async function countAwaiting(app) {
    const counts = await Promise.all(available(app).map(
        (p) => app.searchCount(p.model, p.domain)));
    return counts.reduce((a, b) => a + b, 0);
}

function Approvals({app}) {
    const papers = available(app);
    const state = useCached(app, 'approvals', async () => {
        const lists = await Promise.all(papers.map((p) => app.searchRead(
            p.model, p.domain, {fields: p.fields, limit: 100})));
        return Object.fromEntries(papers.map((p, i) => [p.model, lists[i]]));
    });
    const data = state.data || {};
    const total = Object.values(data).reduce((a, l) => a + l.length, 0);
    return html`<${Screen} app=${app} title=${app.t('paper.title')}
            id="approvals" onRefresh=${state.reload}
            stale=${state.stale && !state.loading ? state.at : null}>
        ${state.loading && !state.data ? html`<${Loading} />` : null}
        ${state.data && !total ? html`<${Empty}
            text=${app.t('paper.none')} />` : null}
        ${papers.filter((p) => (data[p.model] || []).length).map((p) => html`
            <${Section} key=${p.model} title=${app.t(p.label)}
                    count=${data[p.model].length}>
                <${List} label=${app.t(p.label)}>
                    ${data[p.model].map((row) => html`<${Item} key=${row.id}
                        id=${p.model + ',' + row.id}
                        href=${`#/paper/${p.model}/${row.id}`}
                        title=${row.subject}
                        subtitle=${[row.number, row['file.']
                            && row['file.'].rec_name,
                            row['department.'] && row['department.'].rec_name]
                            .filter(Boolean).join(' · ')}
                        meta=${[row['author.'] && app.t('paper.by',
                            {name: row['author.'].rec_name}),
                            row.sent_at ? formatStamp(row.sent_at) : '',
                            row.version ? app.t('draft.version',
                                {version: row.version}) : '']
                            .filter(Boolean).join(' · ')} />`)}
                </${List}>
            </${Section}>`)}
    </${Screen}>`;
}

function Paper({app, params}) {
    const {model} = params;
    const id = Number(params.id);
    const paper = PAPERS.find((p) => p.model === model);
    const [remarks, setRemarks] = useState(null);
    const [busy, setBusy] = useState('');
    const state = useCached(app, `paper/${model}/${id}`, async () => {
        const [[record], steps] = await Promise.all([
            app.call(model, 'read', [id],
                [...DETAIL_FIELDS, ...(EXTRA_FIELDS[model] || [])]),
            app.searchRead(paper.steps, [[paper.paperField, '=', id]],
                {fields: STEP_FIELDS}),
        ]);
        return {record, steps};
    }, [model, id]);
    if (!paper) {
        return html`<${Screen} app=${app} title=${app.t('paper.title')}>
            <${Empty} text=${app.t('screen.not_found')} /></${Screen}>`;
    }
    const record = state.data && state.data.record;
    const steps = (state.data && state.data.steps) || [];
    const text = remarks ?? (record && record.remarks) ?? '';
    const decide = async (button) => {
        if (!app.online) {
            app.error({message: app.t('paper.offline')});
            return;
        }
        setBusy(button);
        try {
            if ((text || '') !== ((record && record.remarks) || '')) {
                await app.act({label: app.t('paper.remarks'), model,
                    method: 'write', args: [[id], {remarks: text || null}]});
            }
            await app.act({label: app.t(`paper.${button}`), model,
                method: button, args: [[id]]});
            app.toast(app.t(`paper.${button}_done`, {subject: record.subject}),
                'success');
            if (button === 'review') {
                setBusy('');
                state.reload();
                return;
            }
            window.location.replace('#/approvals');
        } catch (error) {
            app.error(error);
            setBusy('');
        }
    };
    const pending = record && ['submitted', 'sent', 'under_review']
        .includes(record.state);
    return html`<${Screen} app=${app} title=${record
            ? record.number || app.t(paper.label) : app.t(paper.label)}
            id="paper" onRefresh=${state.reload}
            stale=${state.stale && !state.loading ? state.at : null}>
        ${state.loading && !record ? html`<${Loading} />` : null}
        ${record ? html`
            <div class="doc-head">
                <p class="doc-subject" id="paper-subject">${record.subject}</p>
                <p class="doc-chips"><span class="chip chip-state">
                    ${app.t(`paper.state.${record.state}`)}</span></p>
            </div>
            <${Facts} rows=${[
                [app.t('paper.author'), record['author.']
                    && record['author.'].rec_name],
                [app.t('field.department'), record['department.']
                    && record['department.'].rec_name],
                [app.t('doc.file'), record['file.'] && record['file.'].rec_name],
                [app.t('paper.addressee'), [record.addressee_name,
                    record.addressee_designation,
                    record.addressee_organisation].filter(Boolean).join(', ')],
                [app.t('paper.version'), record.version],
            ]} />
            <${Section} title=${app.t('paper.text')}>
                <div class="paper-body">${(record.body || '').split('\n')
                    .map((line, i) => html`<p key=${i}>${line}</p>`)}</div>
            </${Section}>
            ${steps.length ? html`<${Section} title=${app.t('paper.route')}>
                <ol class="steps">${steps.map((s) => html`<li key=${s.id}
                        class=${'step step-' + s.decision
                            + (s.current ? ' current' : '')}>
                    <p><strong>${s.role || app.t('paper.holder_step')}</strong>
                        ${s['approver.'] ? ` · ${s['approver.'].rec_name}` : ''}</p>
                    <p class="step-decision">${app.t(`decision.${s.decision}`)}
                        ${s.decided_at ? ` · ${formatStamp(s.decided_at)}` : ''}
                        ${s['on_behalf_of.'] ? ` · ${app.t('move.behalf',
                            {name: s['on_behalf_of.'].rec_name})}` : ''}</p>
                    ${s.remarks ? html`<p class="step-remarks">${s.remarks}</p>`
                        : null}
                </li>`)}</ol>
            </${Section}>` : null}
            ${pending ? html`<form class="form decision" id="decision"
                    onSubmit=${(e) => e.preventDefault()}>
                <${Remarks} value=${text} onInput=${setRemarks}
                    label=${app.t('paper.remarks')} />
                ${!app.online ? html`<p class="hint offline-hint">
                    ${app.t('paper.offline')}</p>` : null}
                <div class="actions">
                    ${paper.review && record.state === 'sent' ? html`<${Button}
                        kind="secondary" id="paper-review"
                        busy=${busy === 'review'} disabled=${Boolean(busy)}
                        onClick=${() => decide('review')}>
                        ${app.t('paper.review')}</${Button}>` : null}
                    <${Button} id="paper-approve" busy=${busy === 'approve'}
                        disabled=${Boolean(busy)}
                        onClick=${() => decide('approve')}>
                        ${app.t('paper.approve')}</${Button}>
                    <${Button} kind="danger" id="paper-send-back"
                        busy=${busy === 'send_back'} disabled=${Boolean(busy)}
                        onClick=${() => decide('send_back')}>
                        ${app.t('paper.send_back')}</${Button}>
                </div>
            </form>` : null}
        ` : null}
    </${Screen}>`;
}

registerScreen({
    id: 'approvals',
    path: '/approvals',
    component: Approvals,
    title: 'paper.title',
    requires: ['edaftar.draft'],
    menu: {order: 20, icon: 'approve', label: 'paper.menu'},
    badge: countAwaiting,
});

registerScreen({
    id: 'paper',
    path: '/paper/:model/:id',
    component: Paper,
    title: 'paper.title',
    requires: ['edaftar.draft'],
    opens: ['edaftar.draft', 'edaftar.summary', 'edaftar.cs_note'],
    form: true,
});
