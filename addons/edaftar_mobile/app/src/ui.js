/* This file is part of e-Daftar.  The COPYRIGHT file at the top level of
   this repository contains the full copyright notices and license terms.

   The app's building blocks, shared by the screens.  Text only ever goes
   in as children or attributes (Preact sets textContent and attributes:
   no HTML is parsed, as the page's Trusted Types policy wants). */
import {html, h, useState, useEffect, useRef} from './lib/html.js';
import {
    t, formatDate as formatIsoDate, formatDateTime, formatNumber,
} from './lib/i18n.js';
import {toDate, toDateTime} from './lib/rpc.js';

export {formatDateTime, formatNumber};

// trytond's date -> a short local date
export function formatDate(value) {
    return formatIsoDate(typeof value === 'string' ? value : toDate(value));
}

export function formatStamp(value) {
    return formatDateTime(value instanceof Date ? value : toDateTime(value));
}

// Icons: SVG paths (24x24), drawn by Preact as elements
export const ICONS = {
    back: 'M15.4 5.4 14 4l-8 8 8 8 1.4-1.4L8.8 12z',
    refresh: 'M17.7 6.3A8 8 0 1 0 20 12h-2a6 6 0 1 1-1.8-4.2L13 11h7V4z',
    home: 'M12 3 2 12h3v8h6v-6h2v6h6v-8h3z',
    inbox: 'M19 3H5a2 2 0 0 0-2 2v14a2 2 0 0 0 2 2h14a2 2 0 0 0 2-2V5a2 2 0 0 0-2-2zm0 12h-4a3 3 0 0 1-6 0H5V5h14z',
    register: 'M19 13h-6v6h-2v-6H5v-2h6V5h2v6h6z',
    approve: 'M9 16.2 4.8 12l-1.4 1.4L9 19 21 7l-1.4-1.4z',
    outbox: 'M2 21 23 12 2 3v7l15 2-15 2z',
    settings: 'M12 8a4 4 0 1 0 0 8 4 4 0 0 0 0-8zm9 5v-2l-2.2-.4a7 7 0 0 0-.7-1.7l1.3-1.8-1.4-1.4-1.8 1.3a7 7 0 0 0-1.7-.7L14 3h-2l-.4 2.2a7 7 0 0 0-1.7.7L8.1 4.6 6.7 6l1.3 1.8a7 7 0 0 0-.7 1.7L5 11v2l2.3.4c.2.6.4 1.2.7 1.7L6.7 17l1.4 1.4 1.8-1.3c.5.3 1.1.5 1.7.7L12 21h2l.4-2.2a7 7 0 0 0 1.7-.7l1.8 1.3 1.4-1.4-1.3-1.8c.3-.5.5-1.1.7-1.7z',
    file: 'M10 4H4a2 2 0 0 0-2 2v12a2 2 0 0 0 2 2h16a2 2 0 0 0 2-2V8a2 2 0 0 0-2-2h-8z',
    flag: 'M14.4 6 14 4H5v17h2v-7h5.6l.4 2h7V6z',
    tasks: 'M3 5h2v2H3zm4 0h14v2H7zM3 11h2v2H3zm4 0h14v2H7zm-4 6h2v2H3zm4 0h14v2H7z',
    directive: 'M14 2H6a2 2 0 0 0-2 2v16a2 2 0 0 0 2 2h12a2 2 0 0 0 2-2V8zm-1 7V3.5L18.5 9z',
    bell: 'M12 22a2 2 0 0 0 2-2h-4a2 2 0 0 0 2 2zm6-6V11a6 6 0 0 0-5-5.9V4a1 1 0 0 0-2 0v1.1A6 6 0 0 0 6 11v5l-2 2v1h16v-1z',
    attach: 'M16.5 6v11.5a4 4 0 0 1-8 0V5a2.5 2.5 0 0 1 5 0v10.5a1 1 0 0 1-2 0V6H10v9.5a2.5 2.5 0 0 0 5 0V5a4 4 0 0 0-8 0v12.5a5.5 5.5 0 0 0 11 0V6z',
    chat: 'M20 2H4a2 2 0 0 0-2 2v18l4-4h14a2 2 0 0 0 2-2V4a2 2 0 0 0-2-2z',
    camera: 'M12 9a4 4 0 1 0 0 8 4 4 0 0 0 0-8zm8-4h-3.2L15 3H9L7.2 5H4a2 2 0 0 0-2 2v12a2 2 0 0 0 2 2h16a2 2 0 0 0 2-2V7a2 2 0 0 0-2-2z',
};

export function Icon({name, label}) {
    const path = ICONS[name];
    if (!path) {
        return html`<span class="icon icon-text" aria-hidden=${label ? null : 'true'}>${name || ''}</span>`;
    }
    return h('svg', {
        class: 'icon', viewBox: '0 0 24 24', width: 24, height: 24,
        'aria-hidden': label ? null : 'true', role: label ? 'img' : null,
        'aria-label': label || null, focusable: 'false',
    }, h('path', {d: path, fill: 'currentColor'}));
}

// A screen: the bar (back, title, tools) and its content
export function Screen({app, title, back = true, tools = null, children,
        id = null, stale = null, onRefresh = null}) {
    const main = useRef(null);
    usePullToRefresh(main, onRefresh);
    return html`
        <header class="bar">
            ${back ? html`<button type="button" class="bar-button back"
                aria-label=${t('nav.back')} onClick=${() => app.back()}>
                <${Icon} name="back" /></button>` : html`<span class="bar-logo" aria-hidden="true">e</span>`}
            <h1 class="bar-title">${title}</h1>
            <div class="bar-tools">
                ${tools}
                ${onRefresh ? html`<button type="button" class="bar-button"
                    aria-label=${t('nav.refresh')} onClick=${onRefresh}>
                    <${Icon} name="refresh" /></button>` : null}
            </div>
        </header>
        <main class="screen" id=${id} ref=${main}>
            <div class="pull" aria-hidden="true"><${Icon} name="refresh" /></div>
            ${stale ? html`<${Stale} at=${stale} />` : null}
            ${children}
        </main>`;
}

// Pull to refresh: a downward drag from the top of the screen
function usePullToRefresh(ref, onRefresh) {
    useEffect(() => {
        const element = ref.current;
        if (!element || !onRefresh) {
            return;
        }
        let start = null;
        let distance = 0;
        const indicator = element.querySelector('.pull');
        const down = (event) => {
            start = window.scrollY <= 0 && event.touches.length === 1
                ? event.touches[0].clientY : null;
            distance = 0;
        };
        const move = (event) => {
            if (start === null) {
                return;
            }
            distance = Math.max(0, event.touches[0].clientY - start);
            if (indicator) {
                indicator.classList.toggle('pulling', distance > 10);
                indicator.classList.toggle('ready', distance > 70);
            }
        };
        const up = () => {
            if (start !== null && distance > 70) {
                onRefresh();
            }
            start = null;
            distance = 0;
            if (indicator) {
                indicator.classList.remove('pulling', 'ready');
            }
        };
        element.addEventListener('touchstart', down, {passive: true});
        element.addEventListener('touchmove', move, {passive: true});
        element.addEventListener('touchend', up);
        element.addEventListener('touchcancel', up);
        return () => {
            element.removeEventListener('touchstart', down);
            element.removeEventListener('touchmove', move);
            element.removeEventListener('touchend', up);
            element.removeEventListener('touchcancel', up);
        };
    }, [ref.current, onRefresh]);
}

export function Stale({at}) {
    return html`<p class="stale" role="status">
        ${t('offline.stale', {time: formatDateTime(at)})}</p>`;
}

export function Offline({online, waiting}) {
    if (online && !waiting) {
        return null;
    }
    return html`<div class=${'offline-bar' + (online ? ' sending' : '')}
            role="status">
        ${online ? null : html`<span>${t('offline.banner')}</span>`}
        ${waiting ? html`<a href="#/outbox">${t('outbox.waiting_count',
            {count: formatNumber(waiting)})}</a>` : null}
    </div>`;
}

export function MessageBar({message, onClose}) {
    if (!message) {
        return null;
    }
    return html`<div class="message" role="alert">
        <div class="message-body">
            <p class="message-text">${message.text}</p>
            ${message.description ? html`<p class="message-description">
                ${message.description}</p>` : null}
        </div>
        <button type="button" class="message-close"
            aria-label=${t('nav.dismiss')} onClick=${onClose}>×</button>
    </div>`;
}

export function Toasts({toasts}) {
    return html`<div class="toasts" role="status" aria-live="polite">
        ${toasts.map((toast) => html`<p key=${toast.id}
            class=${'toast toast-' + toast.kind}>${toast.text}</p>`)}
    </div>`;
}

export function List({children, label}) {
    return html`<ul class="list" aria-label=${label}>${children}</ul>`;
}

export function Item({href, title, subtitle = '', meta = '', chips = [],
        unread = false, overdue = false, onClick = null, id = null}) {
    const content = html`
        <span class="item-main">
            <span class="item-title">${unread ? html`<span class="dot"
                aria-label=${t('doc.unread')}></span>` : null}${title}</span>
            ${subtitle ? html`<span class="item-subtitle">${subtitle}</span>`
                : null}
            ${meta ? html`<span class="item-meta">${meta}</span>` : null}
        </span>
        <span class="item-chips">
            ${overdue ? html`<span class="chip chip-overdue">
                ${t('doc.overdue')}</span>` : null}
            ${chips.filter(Boolean).map((chip) => html`<span
                class=${'chip chip-' + (chip.kind || 'plain')}>${chip.text}</span>`)}
        </span>`;
    return html`<li class=${'item' + (unread ? ' unread' : '')} data-id=${id}>
        ${href ? html`<a class="item-link" href=${href}>${content}</a>`
            : html`<button type="button" class="item-link"
                onClick=${onClick}>${content}</button>`}
    </li>`;
}

export function Empty({text}) {
    return html`<p class="empty">${text}</p>`;
}

export function Loading() {
    return html`<p class="loading" role="status">${t('nav.loading')}</p>`;
}

export function Button({kind = 'primary', type = 'button', onClick, disabled,
        children, id = null, busy = false}) {
    return html`<button type=${type} id=${id}
        class=${'button button-' + kind} onClick=${onClick}
        disabled=${disabled || busy} aria-busy=${busy ? 'true' : null}>
        ${children}</button>`;
}

export function Field({label, children, hint = '', id}) {
    return html`<div class="field">
        <label for=${id}>${label}</label>
        ${children}
        ${hint ? html`<p class="hint">${hint}</p>` : null}
    </div>`;
}

export function Remarks({value, onInput, label, required = false,
        id = 'remarks'}) {
    return html`<${Field} id=${id} label=${label}>
        <textarea id=${id} rows="3" required=${required} value=${value}
            onInput=${(e) => onInput(e.target.value)}></textarea>
    </${Field}>`;
}

export function Facts({rows}) {
    return html`<dl class="facts">
        ${rows.filter((r) => r && r[1]).map(([label, value]) => html`
            <div class="fact"><dt>${label}</dt><dd>${value}</dd></div>`)}
    </dl>`;
}

export function Section({title, children, id = null, count = null,
        fresh = null}) {
    return html`<section class="section" id=${id} data-fresh=${fresh}>
        <h2 class="section-title">${title}${count !== null
            ? html` <span class="count">${formatNumber(count)}</span>` : null}</h2>
        ${children}
    </section>`;
}

export function priorityChip(priority) {
    if (!priority || priority === 'normal') {
        return null;
    }
    return {kind: priority, text: t(`priority.${priority}`)};
}

export function confidentialityChip(value) {
    if (!value || value === 'normal') {
        return null;
    }
    return {kind: 'confidential', text: t(`confidentiality.${value}`)};
}

// The recipient of a move: a person found by name or post, as they are
// searched on the server (company.employee, rec_name ilike); offline,
// among the people found before on this phone.
export function EmployeePicker({app, value, onChange, id = 'recipient',
        label}) {
    const [query, setQuery] = useState(value ? value.name : '');
    const [results, setResults] = useState([]);
    const [searching, setSearching] = useState(false);
    const [note, setNote] = useState('');
    const timer = useRef(null);
    const search = (text) => {
        setQuery(text);
        onChange(null);
        clearTimeout(timer.current);
        if (text.trim().length < 2) {
            setResults([]);
            setNote('');
            return;
        }
        timer.current = setTimeout(async () => {
            setSearching(true);
            const words = text.trim();
            try {
                let rows;
                if (app.online) {
                    rows = await app.searchRead('company.employee', [
                        ['rec_name', 'ilike', `%${words}%`],
                    ], {fields: ['rec_name'], limit: 20,
                        order: [['party.name', 'ASC'], ['id', 'ASC']]})
                        .catch(() => app.searchRead('company.employee', [
                            ['rec_name', 'ilike', `%${words}%`]],
                        {fields: ['rec_name'], limit: 20}));
                    const known = (await app.peek('people'))?.data || {};
                    for (const row of rows) {
                        known[row.id] = row.rec_name;
                    }
                    app.cached('people', async () => known);
                    setNote('');
                } else {
                    const known = (await app.peek('people'))?.data || {};
                    const lower = words.toLowerCase();
                    rows = Object.entries(known)
                        .filter(([, name]) => name.toLowerCase().includes(lower))
                        .map(([rid, name]) => ({id: Number(rid), rec_name: name}));
                    setNote(t('picker.offline'));
                }
                setResults(rows);
            } catch (error) {
                app.error(error);
            } finally {
                setSearching(false);
            }
        }, 250);
    };
    return html`<div class="field picker">
        <label for=${id}>${label || t('move.recipient')}</label>
        <input id=${id} type="search" autocomplete="off" value=${query}
            placeholder=${t('picker.placeholder')}
            aria-describedby=${id + '-note'}
            onInput=${(e) => search(e.target.value)} />
        ${value ? html`<p class="picked" id=${id + '-picked'}>
            <${Icon} name="approve" /> ${value.name}</p>` : null}
        <p class="hint" id=${id + '-note'}>${searching ? t('nav.loading') : note}</p>
        ${!value && results.length ? html`<ul class="choices" role="listbox">
            ${results.map((row) => html`<li key=${row.id}>
                <button type="button" role="option" class="choice"
                    data-id=${row.id}
                    onClick=${() => {
                        onChange({id: row.id, name: row.rec_name});
                        setQuery(row.rec_name);
                        setResults([]);
                    }}>${row.rec_name}</button></li>`)}
        </ul>` : null}
        ${!value && !searching && query.trim().length >= 2 && !results.length
            ? html`<p class="hint">${t('picker.none')}</p>` : null}
    </div>`;
}

// Loads data through app.cached(key, loader): {data, stale, at, error,
// reload}
export function useCached(app, key, loader, deps = []) {
    const [state, setState] = useState({data: null, stale: false, at: null,
        error: null, loading: true});
    const load = async (fromCacheFirst = true) => {
        if (fromCacheFirst) {
            // Show what is stored at once (fast start), then read again.
            const stored = await app.peek(key);
            if (stored) {
                setState((s) => (s.data ? s : {...stored, error: null,
                    loading: true}));
            }
        }
        try {
            const result = await app.cached(key, loader);
            setState({...result, error: null, loading: false});
        } catch (error) {
            setState((s) => ({...s, error, loading: false}));
            if (!error.offline) {
                app.error(error);
            }
        }
    };
    useEffect(() => {
        load();
    }, [key, ...deps]);
    return {...state, reload: () => load(false)};
}
