/* This file is part of e-Daftar.  The COPYRIGHT file at the top level of
   this repository contains the full copyright notices and license terms.

   The session, shared with the web client (sao) and the task board: the
   server keeps it in an HttpOnly cookie for /<database>; the page only
   remembers who logged in (localStorage, as sao does) and the device
   cookie that lets this phone log in while someone else's failed attempts
   throttle the login ([session] max_attempt). */
import {BASE, DATABASE, post, rpc} from './rpc.js';

export function storageGet(key, storage = localStorage) {
    try {
        return JSON.parse(storage.getItem(key));
    } catch (error) {
        return null;
    }
}

export function storageSet(key, value, storage = localStorage) {
    try {
        if (value === undefined || value === null) {
            storage.removeItem(key);
        } else {
            storage.setItem(key, JSON.stringify(value));
        }
    } catch (error) {
        // Storage may be disabled: the cookie session still works.
    }
}

const SESSION_KEY = `sao_session_${DATABASE}`;

export function savedSession() {
    return storageGet(SESSION_KEY);
}

function deviceCookie(login) {
    const cookies = storageGet('sao_device_cookies') || {};
    return (cookies[DATABASE] || {})[login] || null;
}

async function renewDeviceCookie(login) {
    try {
        const cookie = await rpc(
            'model.res.user.device.renew', deviceCookie(login), {});
        const cookies = storageGet('sao_device_cookies') || {};
        cookies[DATABASE] = cookies[DATABASE] || {};
        cookies[DATABASE][login] = cookie;
        storageSet('sao_device_cookies', cookies);
    } catch (error) {
        // Not needed to work.
    }
}

export async function logIn(login, password) {
    // The web client's own call: the answer sets the session cookie.
    const [userId, busUrlHost] = await post(`${BASE}/session/login`, {
        id: 0,
        method: 'common.db.login',
        params: [login, {
            password,
            device_cookie: deviceCookie(login),
        }, null],
    }, {expire: false});
    storageSet(SESSION_KEY, {
        login,
        user_id: userId,
        bus_url_host: busUrlHost,
    });
    await renewDeviceCookie(login);
    return userId;
}

export async function logOut() {
    try {
        await post(`${BASE}/session/logout`, {}, {expire: false});
    } catch (error) {
        // Already ended, or offline: the cookie ends with its timeout.
    }
    const session = savedSession();
    // Keep the login name for the next time, nothing else.
    storageSet(SESSION_KEY, session ? {login: session.login} : null);
}

// The user, as the web client reads it at login
export async function loadUser() {
    const [preferences, user] = await Promise.all([
        rpc('model.res.user.get_preferences', true, {}),
        rpc('model.res.user.get_preferences', false, {}),
    ]);
    const context = Object.fromEntries(Object.entries(preferences)
        .filter(([key]) => key !== 'locale' && !key.endsWith('.rec_name')));
    return {context, user, preferences};
}
