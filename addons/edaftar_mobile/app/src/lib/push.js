/* This file is part of e-Daftar.  The COPYRIGHT file at the top level of
   this repository contains the full copyright notices and license terms.

   Web Push (edaftar_mobile doc/design.rst): the server's VAPID key from
   edaftar.push.subscription.vapid_public_key, the browser's subscription
   (PushManager.subscribe, asked on a user's gesture) given to subscribe;
   unsubscribe before logging out.  The service worker (sw.js) shows the
   alerts and opens the app at their url. */
const MODEL = 'edaftar.push.subscription';

export function pushSupported() {
    return 'serviceWorker' in navigator && 'PushManager' in window
        && 'Notification' in window;
}

function keyBytes(base64url) {
    const base64 = base64url.replace(/-/g, '+').replace(/_/g, '/')
        .padEnd(Math.ceil(base64url.length / 4) * 4, '=');
    const binary = atob(base64);
    return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

function sameKey(subscription, key) {
    const current = subscription.options
        && subscription.options.applicationServerKey;
    if (!current) {
        return true;
    }
    const a = new Uint8Array(current);
    return a.length === key.length && a.every((v, i) => v === key[i]);
}

export function deviceName() {
    const agent = navigator.userAgent;
    const browser = /Edg\//.test(agent) ? 'Edge'
        : /Firefox\//.test(agent) ? 'Firefox'
            : /Chrome\//.test(agent) ? 'Chrome'
                : /Safari\//.test(agent) ? 'Safari' : 'Browser';
    const system = /Android/.test(agent) ? 'Android'
        : /iPhone|iPad/.test(agent) ? 'iOS'
            : /Windows/.test(agent) ? 'Windows'
                : /Mac OS/.test(agent) ? 'macOS'
                    : /Linux/.test(agent) ? 'Linux' : '';
    return system ? `${browser} on ${system}` : browser;
}

export async function vapidKey(app) {
    if (!app.hasModel(MODEL)) {
        return null;
    }
    return app.call(MODEL, 'vapid_public_key');
}

// The state of alerts on this phone: 'unsupported', 'unavailable' (the
// server sends none), 'denied', 'on', 'off'
export async function pushState(app) {
    if (!pushSupported()) {
        return 'unsupported';
    }
    if (Notification.permission === 'denied') {
        return 'denied';
    }
    const registration = await navigator.serviceWorker.getRegistration();
    const subscription = registration
        ? await registration.pushManager.getSubscription() : null;
    if (subscription && Notification.permission === 'granted') {
        return 'on';
    }
    let key = null;
    try {
        key = await vapidKey(app);
    } catch (error) {
        key = null;
    }
    return key ? 'off' : 'unavailable';
}

// On a user's gesture: permission, subscription, server
export async function enablePush(app) {
    const key = await vapidKey(app);
    if (!key) {
        throw new Error(app.t('push.unavailable'));
    }
    const permission = await Notification.requestPermission();
    if (permission !== 'granted') {
        throw new Error(app.t('push.denied'));
    }
    const registration = await navigator.serviceWorker.ready;
    const applicationServerKey = keyBytes(key);
    let subscription = await registration.pushManager.getSubscription();
    if (subscription && !sameKey(subscription, applicationServerKey)) {
        await subscription.unsubscribe();
        subscription = null;
    }
    if (!subscription) {
        subscription = await registration.pushManager.subscribe({
            userVisibleOnly: true, applicationServerKey});
    }
    try {
        await app.call(MODEL, 'subscribe', subscription.toJSON(),
            deviceName());
    } catch (error) {
        if (/taken|another user|کسی اور/i.test(error.message || '')
                || error.kind === 'UserError') {
            // The browser still holds someone else's subscription: a new
            // one (a new endpoint) for this user.
            await subscription.unsubscribe();
            subscription = await registration.pushManager.subscribe({
                userVisibleOnly: true, applicationServerKey});
            await app.call(MODEL, 'subscribe', subscription.toJSON(),
                deviceName());
        } else {
            throw error;
        }
    }
    return subscription;
}

// Renewed at each start when alerts are on (keys and device kept fresh)
export async function renewPush(app) {
    if (!pushSupported() || Notification.permission !== 'granted'
            || !app.hasModel(MODEL)) {
        return;
    }
    const registration = await navigator.serviceWorker.getRegistration();
    const subscription = registration
        ? await registration.pushManager.getSubscription() : null;
    if (subscription) {
        await app.call(MODEL, 'subscribe', subscription.toJSON(),
            deviceName()).catch(() => {});
    }
}

export async function disablePush(app) {
    if (!pushSupported()) {
        return;
    }
    const registration = await navigator.serviceWorker.getRegistration();
    const subscription = registration
        ? await registration.pushManager.getSubscription() : null;
    if (subscription) {
        if (app.hasModel(MODEL)) {
            await app.call(MODEL, 'unsubscribe', subscription.endpoint)
                .catch(() => {});
        }
        await subscription.unsubscribe().catch(() => {});
    }
}
