/* This file is part of e-Daftar.  The COPYRIGHT file at the top level of
   this repository contains the full copyright notices and license terms.

   IndexedDB, in two stores: 'cache' (the last answers read, by key, to
   show offline) and 'outbox' (actions taken offline, sent when back
   online).  Every key starts with the database and the user, so that two
   accounts on one phone never see each other's data; logging out empties
   the user's cache. */
const NAME = 'edaftar-mobile';
const VERSION = 1;
let opening = null;

function open() {
    if (!opening) {
        opening = new Promise((resolve, reject) => {
            let request;
            try {
                request = indexedDB.open(NAME, VERSION);
            } catch (error) {
                reject(error);
                return;
            }
            request.onupgradeneeded = () => {
                const db = request.result;
                if (!db.objectStoreNames.contains('cache')) {
                    db.createObjectStore('cache');
                }
                if (!db.objectStoreNames.contains('outbox')) {
                    const outbox = db.createObjectStore(
                        'outbox', {keyPath: 'id', autoIncrement: true});
                    outbox.createIndex('owner', 'owner');
                }
            };
            request.onsuccess = () => resolve(request.result);
            request.onerror = () => reject(request.error);
        });
        opening.catch(() => {
            opening = null;
        });
    }
    return opening;
}

function done(request) {
    return new Promise((resolve, reject) => {
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
    });
}

async function store(name, mode) {
    const db = await open();
    return db.transaction(name, mode).objectStore(name);
}

export async function cacheGet(key) {
    try {
        return await done((await store('cache', 'readonly')).get(key));
    } catch (error) {
        return undefined;
    }
}

export async function cacheSet(key, value) {
    try {
        await done((await store('cache', 'readwrite')).put(value, key));
    } catch (error) {
        // Private mode or full: the app works without its cache.
    }
}

export async function cacheClear(prefix) {
    try {
        const cache = await store('cache', 'readwrite');
        const range = IDBKeyRange.bound(prefix, prefix + '\uffff');
        await done(cache.delete(range));
    } catch (error) {
        // nothing cached
    }
}

export async function outboxAll(owner) {
    try {
        const outbox = await store('outbox', 'readonly');
        return await done(outbox.index('owner').getAll(owner));
    } catch (error) {
        return [];
    }
}

export async function outboxPut(item) {
    const outbox = await store('outbox', 'readwrite');
    return done(outbox.put(item));
}

export async function outboxDelete(id) {
    const outbox = await store('outbox', 'readwrite');
    return done(outbox.delete(id));
}
