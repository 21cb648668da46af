/* This file is part of e-Daftar.  The COPYRIGHT file at the top level of
   this repository contains the full copyright notices and license terms.

   Register a receipt (the diary clerk, or a PA/PS): the letter's
   particulars, photos of its pages taken with the phone's camera and
   compressed on the phone, then Register — which gives the number of the
   department's register.  Three steps over the web client's RPC: create
   the draft receipt, attach each photo (ir.attachment, checked on the
   server as every attachment is), click 'register'.  A step refused
   leaves the draft as it is: the form says so and a new try goes on from
   there.  Refused offline (the number is the server's): the form stays
   filled. */
import {html, useState, useEffect} from '../lib/html.js';
import {registerScreen} from '../registry.js';
import {RECEIPT} from '../lib/inbox.js';
import {bytesValue, fromDate, today} from '../lib/rpc.js';
import {compressPhoto} from '../lib/images.js';
import {Screen, Field, Button, Icon, formatNumber} from '../ui.js';

const MODES = ['hand', 'post', 'courier', 'email', 'fax'];
const CATEGORIES = ['letter', 'application', 'complaint', 'notification',
    'order', 'summary', 'court', 'assembly', 'other'];
const PRIORITIES = ['normal', 'urgent', 'immediate'];
const CONFIDENTIALITIES = ['normal', 'confidential', 'secret'];
const DEPARTMENT_KINDS = ['department', 'executive', 'division', 'district'];

function Select({id, label, value, options, onChange, prefix}) {
    return html`<${Field} id=${id} label=${label}>
        <select id=${id} value=${value}
                onChange=${(e) => onChange(e.target.value)}>
            ${options.map((o) => html`<option value=${o}>
                ${prefix ? o && prefix(o) : o}</option>`)}
        </select>
    </${Field}>`;
}

function Register({app}) {
    const [values, setValues] = useState({
        department: '', sender_name: '', sender_designation: '',
        sender_organisation: '', letter_ref: '', letter_date: '',
        subject: '', received_date: today(), mode: 'hand',
        category: 'letter', priority: 'normal', confidentiality: 'normal',
    });
    const [departments, setDepartments] = useState([]);
    const [photos, setPhotos] = useState([]);
    const [busy, setBusy] = useState(false);
    const [progress, setProgress] = useState('');
    // The draft made by an earlier try, and the photos already attached
    const [draft, setDraft] = useState(null);
    const set = (name) => (value) => setValues((v) => ({...v, [name]: value}));

    useEffect(() => {
        if (!app.online) {
            return;
        }
        Promise.all([
            app.call(RECEIPT, 'default_get', ['department']),
            app.searchRead('edaftar.org.unit',
                [['kind', 'in', DEPARTMENT_KINDS]],
                {fields: ['rec_name'], order: [['name', 'ASC']]}),
        ]).then(([defaults, units]) => {
            setDepartments(units);
            if (defaults.department) {
                setValues((v) => ({...v, department: String(v.department
                    || defaults.department)}));
            }
        }, app.error);
    }, []);
    useEffect(() => () => photos.forEach((p) => URL.revokeObjectURL(p.url)),
        []);

    const addPhotos = async (event) => {
        const files = [...event.target.files];
        event.target.value = '';
        for (const file of files) {
            try {
                const photo = await compressPhoto(file);
                setPhotos((list) => [...list, {
                    ...photo, url: URL.createObjectURL(photo.blob),
                    key: Math.random().toString(36).slice(2)}]);
            } catch (error) {
                app.error({message: app.t('register.photo_unreadable',
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

    const submit = async (event) => {
        event.preventDefault();
        if (!app.online) {
            app.error({message: app.t('register.offline')});
            return;
        }
        if (!event.target.reportValidity()) {
            return;
        }
        setBusy(true);
        let receiptId = draft ? draft.id : null;
        const attached = draft ? draft.attached : new Set();
        try {
            if (!receiptId) {
                setProgress(app.t('register.saving'));
                const record = {};
                for (const [name, value] of Object.entries(values)) {
                    if (value === '' || value === null) {
                        continue;
                    }
                    if (name === 'department') {
                        record.department = Number(value);
                    } else if (name.endsWith('_date')) {
                        record[name] = fromDate(value);
                    } else {
                        record[name] = typeof value === 'string'
                            ? value.trim() : value;
                    }
                }
                [receiptId] = await app.call(RECEIPT, 'create', [record]);
                setDraft({id: receiptId, attached});
            }
            let index = 0;
            for (const photo of photos) {
                index += 1;
                if (attached.has(photo.key)) {
                    continue;
                }
                setProgress(app.t('register.uploading',
                    {n: index, total: photos.length}));
                await app.call('ir.attachment', 'create', [{
                    name: `${app.t('register.page_name')}-${index}.jpg`,
                    resource: `${RECEIPT},${receiptId}`,
                    type: 'data',
                    data: await bytesValue(photo.blob),
                }]);
                attached.add(photo.key);
            }
            setProgress(app.t('register.registering'));
            await app.button(RECEIPT, 'register', [receiptId]);
            const [record] = await app.call(RECEIPT, 'read', [receiptId],
                ['number']);
            app.toast(app.t('register.done', {number: record.number}),
                'success');
            app.refreshCounts();
            window.location.replace(`#/doc/${RECEIPT}/${receiptId}`);
        } catch (error) {
            app.error(receiptId ? {
                message: error.message,
                description: [error.description,
                    app.t('register.kept_draft')].filter(Boolean).join('\n'),
            } : error);
            setBusy(false);
            setProgress('');
        }
    };

    const canRegister = app.can(RECEIPT, 'create');
    return html`<${Screen} app=${app} title=${app.t('register.title')}
            id="register">
        ${!canRegister ? html`<p class="hint">${app.t('register.not_role')}</p>`
            : null}
        ${!app.online ? html`<p class="hint offline-hint">
            ${app.t('register.offline')}</p>` : null}
        ${draft ? html`<p class="hint">${app.t('register.draft_exists')}</p>`
            : null}
        <form class="form" id="register-form" onSubmit=${submit}
                noValidate>
            <${Field} id="department" label=${app.t('field.department')}>
                <select id="department" value=${values.department} required
                        disabled=${Boolean(draft)}
                        onChange=${(e) => set('department')(e.target.value)}>
                    <option value="">—</option>
                    ${departments.map((d) => html`<option value=${String(d.id)}>
                        ${d.rec_name}</option>`)}
                </select>
            </${Field}>
            ${[['sender_name', true], ['sender_designation'],
                ['sender_organisation'], ['letter_ref'], ['subject', true]]
                .map(([name, required]) => html`<${Field} key=${name}
                        id=${name} label=${app.t(`field.${name}`)
                            + (required ? ' *' : '')}>
                    <input id=${name} value=${values[name]}
                        required=${Boolean(required)} disabled=${Boolean(draft)}
                        onInput=${(e) => set(name)(e.target.value)} />
                </${Field}>`)}
            <div class="row">
                <${Field} id="letter_date" label=${app.t('field.letter_date')}>
                    <input id="letter_date" type="date" max=${today()}
                        value=${values.letter_date} disabled=${Boolean(draft)}
                        onInput=${(e) => set('letter_date')(e.target.value)} />
                </${Field}>
                <${Field} id="received_date"
                        label=${app.t('field.received_date')}>
                    <input id="received_date" type="date" max=${today()}
                        required value=${values.received_date}
                        disabled=${Boolean(draft)}
                        onInput=${(e) => set('received_date')(e.target.value)} />
                </${Field}>
            </div>
            <div class="row">
                <${Select} id="mode" label=${app.t('field.mode')}
                    value=${values.mode} options=${MODES}
                    prefix=${(o) => app.t(`mode.${o}`)}
                    onChange=${set('mode')} />
                <${Select} id="category" label=${app.t('field.category')}
                    value=${values.category} options=${CATEGORIES}
                    prefix=${(o) => app.t(`category.${o}`)}
                    onChange=${set('category')} />
            </div>
            <div class="row">
                <${Select} id="priority" label=${app.t('field.priority')}
                    value=${values.priority} options=${PRIORITIES}
                    prefix=${(o) => app.t(`priority.${o}`)}
                    onChange=${set('priority')} />
                <${Select} id="confidentiality"
                    label=${app.t('field.confidentiality')}
                    value=${values.confidentiality}
                    options=${CONFIDENTIALITIES}
                    prefix=${(o) => app.t(`confidentiality.${o}`)}
                    onChange=${set('confidentiality')} />
            </div>
            <fieldset class="photos">
                <legend>${app.t('register.photos')}</legend>
                <ul class="thumbs">
                    ${photos.map((p, i) => html`<li key=${p.key} class="thumb">
                        <img src=${p.url} alt=${app.t('register.page',
                            {n: i + 1})} />
                        <span class="thumb-size">${formatNumber(
                            Math.round(p.blob.size / 1024))} KB</span>
                        <button type="button" class="thumb-remove"
                            aria-label=${app.t('register.remove', {n: i + 1})}
                            onClick=${() => removePhoto(p.key)}>×</button>
                    </li>`)}
                </ul>
                <label class="button button-secondary camera" for="photo">
                    <${Icon} name="camera" /> ${app.t('register.take_photo')}
                </label>
                <input id="photo" class="visually-hidden" type="file"
                    accept="image/*" capture="environment" multiple
                    onChange=${addPhotos} />
            </fieldset>
            ${progress ? html`<p class="hint" role="status">${progress}</p>`
                : null}
            <${Button} type="submit" busy=${busy} id="register-submit">
                ${app.t('register.submit')}</${Button}>
        </form>
    </${Screen}>`;
}

registerScreen({
    id: 'register',
    path: '/register',
    component: Register,
    title: 'register.title',
    requires: ['edaftar.receipt'],
    form: true,
    menu: {order: 10, icon: 'register', label: 'register.menu'},
    // The diary clerk, a PA/PS: who may create receipts (the server
    // checks anyway)
    visible: (app) => app.can(RECEIPT, 'create'),
});
