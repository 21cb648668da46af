/* This file is part of e-Daftar.  The COPYRIGHT file at the top level of
   this repository contains the full copyright notices and license terms.

   JSON-RPC on /<database>/rpc/, as the web client and the task board
   (edaftar_task/kanban/board.js) call it: the session is the web client's
   HttpOnly cookie, never seen by the page; the server decides and its
   refusals come back as [kind, args], shown as they are. */

// The app is served at /<database>/mobile/: the database is in the path.
const MOBILE_PATH = /\/mobile(\/.*)?$/;
export const BASE = window.location.pathname.replace(MOBILE_PATH, '');
export const DATABASE = decodeURIComponent(BASE.slice(1));

export class RpcError extends Error {
    constructor(message,
            {description = '', status = 200, kind = '', offline = false} = {}) {
        super(message);
        this.name = 'RpcError';
        this.description = description;
        this.status = status;
        this.kind = kind;
        // The request did not reach the server (no network)
        this.offline = offline;
    }
}

// Messages of the app itself (translated by the caller through t())
export const NETWORK_MESSAGES = {
    0: 'error.unreachable',
    401: 'error.session',
    403: 'error.forbidden',
    429: 'error.too_many',
};

function errorOfAnswer(error) {
    // error is [kind, args] as trytond's JSON-RPC answers an exception
    const [kind, args] = Array.isArray(error) ? error : [String(error), []];
    const parts = Array.isArray(args) ? args : [args];
    if (kind === 'UserError') {
        return new RpcError(String(parts[0] || kind), {
            description: String(parts[1] || ''), kind});
    } else if (kind === 'UserWarning') {
        return new RpcError(String(parts[1] || kind), {
            description: String(parts[2] || ''), kind});
    } else if (kind === 'ConcurrencyException') {
        return new RpcError(String(parts[0] || kind), {kind});
    } else if (kind === 'LoginException') {
        return new RpcError(String(parts[1] || kind), {kind});
    }
    return new RpcError(String(kind), {kind: 'ServerError'});
}

const listeners = {expired: new Set(), offline: new Set(), request: new Set()};

export function onRpc(event, callback) {
    listeners[event].add(callback);
    return () => listeners[event].delete(callback);
}

function emit(event, ...args) {
    for (const callback of listeners[event]) {
        try {
            callback(...args);
        } catch (error) {
            console.warn(error);
        }
    }
}

let translate = (key) => key;
export function setTranslator(t) {
    translate = t;
}

export async function post(url, body, {signal, expire = true} = {}) {
    let response;
    emit('request', url, body);
    try {
        response = await fetch(url, {
            method: 'POST',
            credentials: 'same-origin',
            cache: 'no-store',
            signal,
            headers: {
                'Content-Type': 'application/json',
                'Accept': 'application/json',
                // As jQuery's: trytond then answers 401 without asking
                // the browser for Basic credentials (its login box).
                'X-Requested-With': 'XMLHttpRequest',
            },
            body: JSON.stringify(body),
        });
    } catch (error) {
        if (error && error.name === 'AbortError') {
            throw error;
        }
        emit('offline');
        throw new RpcError(translate(NETWORK_MESSAGES[0]),
            {status: 0, offline: true});
    }
    if (!response.ok) {
        if (response.status === 401 && expire) {
            emit('expired');
        }
        const key = NETWORK_MESSAGES[response.status];
        throw new RpcError(
            key ? translate(key)
                : translate('error.status', {status: response.status}),
            {status: response.status});
    }
    let data;
    try {
        data = await response.json();
    } catch (error) {
        throw new RpcError(translate('error.answer'), {status: response.status});
    }
    if (data && data.error) {
        throw errorOfAnswer(data.error);
    }
    return data ? data.result : null;
}

let rpcId = 0;

export function rpc(method, ...params) {
    return post(`${BASE}/rpc/`, {id: ++rpcId, method, params});
}

// trytond's JSON values

export function toDate(value) {
    // {__class__: 'date', year, month, day} -> 'YYYY-MM-DD'
    if (!value || value.__class__ !== 'date') {
        return '';
    }
    const pad = (n, width = 2) => String(n).padStart(width, '0');
    return `${pad(value.year, 4)}-${pad(value.month)}-${pad(value.day)}`;
}

export function fromDate(iso) {
    // 'YYYY-MM-DD' -> trytond's date, null when empty
    if (!iso) {
        return null;
    }
    const [year, month, day] = iso.split('-').map(Number);
    return {__class__: 'date', year, month, day};
}

export function toDateTime(value) {
    // trytond's datetime (UTC, naive) -> Date
    if (!value || value.__class__ !== 'datetime') {
        return null;
    }
    return new Date(Date.UTC(value.year, value.month - 1, value.day,
        value.hour || 0, value.minute || 0, value.second || 0));
}

export function bytesOf(value) {
    // {__class__: 'bytes', base64} -> Uint8Array
    if (!value) {
        return new Uint8Array(0);
    }
    const base64 = typeof value === 'string' ? value : value.base64;
    const binary = atob(String(base64 || '').replace(/\s+/g, ''));
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) {
        bytes[i] = binary.charCodeAt(i);
    }
    return bytes;
}

export async function bytesValue(blob) {
    // A Blob -> trytond's bytes
    const buffer = new Uint8Array(await blob.arrayBuffer());
    let binary = '';
    const chunk = 0x8000;
    for (let i = 0; i < buffer.length; i += chunk) {
        binary += String.fromCharCode.apply(null, buffer.subarray(i, i + chunk));
    }
    return {__class__: 'bytes', base64: btoa(binary)};
}

export function today(offsetDays = 0) {
    const date = new Date();
    date.setDate(date.getDate() + offsetDays);
    const pad = (n) => String(n).padStart(2, '0');
    return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-` +
        pad(date.getDate());
}
