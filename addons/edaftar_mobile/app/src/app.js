/* This file is part of e-Daftar.  The COPYRIGHT file at the top level of
   this repository contains the full copyright notices and license terms.

   The shell of the app: the session (log in, expiry, log out), the
   services given to every screen (makeApp: RPC, cache, outbox, messages,
   navigation), the route (the address's hash), the inbox counts and the
   unread badge, the bus while open, the online/offline state. */
import {
    html, useState, useEffect, useMemo, useRef, useCallback,
} from './lib/html.js';
import {
    BASE, DATABASE, RpcError, onRpc, rpc, setTranslator,
} from './lib/rpc.js';
import {
    loadUser, logIn, logOut, savedSession, storageGet, storageSet,
} from './lib/session.js';
import {cacheClear, cacheGet, cacheSet} from './lib/db.js';
import {Outbox} from './lib/outbox.js';
import {
    addStrings, language, languageOf, setLanguage, t, formatDateTime,
} from './lib/i18n.js';
import {allScreens, resolve} from './registry.js';
import {loadCounts} from './lib/inbox.js';
import {disablePush, renewPush} from './lib/push.js';
import {Login} from './login.js';
import {MessageBar, Toasts, Offline} from './ui.js';

// The models whose screens are optional (ir.model is asked once per login)
export const OPTIONAL_MODELS = [
    'edaftar.receipt', 'edaftar.file', 'edaftar.draft', 'edaftar.summary',
    'edaftar.cs_note', 'edaftar.push.subscription', 'edaftar.flag',
    'edaftar.note',
];
const PROFILE_KEY = `edaftar_mobile_profile_${DATABASE}`;
const LANG_KEY = 'edaftar_mobile_lang';
const POLL_SECONDS = 60;

setTranslator(t);

function neededModels() {
    const names = new Set(OPTIONAL_MODELS);
    for (const screen of allScreens()) {
        for (const name of screen.requires || []) {
            names.add(name);
        }
    }
    return [...names];
}

// The user as the app keeps it between visits (no secret: the session is
// the server's cookie): shown at once, then read again from the server.
async function readProfile() {
    // Two round trips: the user and the models at once, then the rights
    const [{context, user}, models] = await Promise.all([
        loadUser(),
        rpc('model.ir.model.search_read', [['name', 'in', neededModels()]],
            0, null, null, ['name'], {})
            .then((rows) => rows.map((r) => r.name))
            .catch(() => OPTIONAL_MODELS),
    ]);
    let employee = null;
    let employeeName = '';
    const employeeId = context.employee || user.employee || null;
    if (employeeId) {
        employee = employeeId;
        employeeName = user['employee.rec_name'] || '';
    }
    // What the user's groups may do on each model (create, write...): the
    // app offers what fits; the server checks every action anyway.
    let access = {};
    try {
        access = await rpc('model.ir.model.access.get_access', models,
            context);
    } catch (error) {
        access = {};
    }
    return {
        user: {
            id: user.id || savedSession()?.user_id,
            login: user.login || (savedSession() || {}).login,
            name: user.name || user.login,
            employee,
            employee_name: employeeName,
            groups: user.groups || [],
        },
        context,
        models,
        access,
        at: Date.now(),
    };
}

export function App() {
    const [profile, setProfile] = useState(() => {
        const session = savedSession();
        const saved = storageGet(PROFILE_KEY);
        return session && session.user_id && saved
            && saved.user && saved.user.login === session.login ? saved : null;
    });
    const [phase, setPhase] = useState(() => (profile ? 'ready' : 'login'));
    const [lang, setLang] = useState(() => language());
    const [loginNotice, setLoginNotice] = useState('');
    const [hash, setHash] = useState(() => window.location.hash || '#/');
    const [online, setOnline] = useState(() => navigator.onLine !== false);
    const [message, setMessage] = useState(null);
    const [toasts, setToasts] = useState([]);
    const [counts, setCounts] = useState(
        {data: null, stale: false, at: null, loading: false});
    const [outboxItems, setOutboxItems] = useState([]);
    const [version, setVersion] = useState(0);
    const [install, setInstall] = useState(null);
    const profileRef = useRef(profile);
    profileRef.current = profile;
    const onlineRef = useRef(online);
    onlineRef.current = online;
    const outboxRef = useRef(null);

    // Messages

    const toast = useCallback((text, kind = 'info') => {
        const id = Math.random().toString(36).slice(2);
        setToasts((list) => [...list, {id, text, kind}]);
        setTimeout(() => setToasts((list) => list.filter((x) => x.id !== id)),
            kind === 'error' ? 8000 : 4000);
    }, []);
    const showError = useCallback((error) => {
        if (!error) {
            setMessage(null);
            return;
        }
        if (error instanceof RpcError && error.status === 401) {
            return;  // the login is shown over the screen
        }
        setMessage({
            text: error.message || String(error),
            description: error.description || '',
            kind: error.kind || '',
        });
    }, []);

    // Route

    useEffect(() => {
        const changed = () => {
            setHash(window.location.hash || '#/');
            setMessage(null);
            window.scrollTo(0, 0);
        };
        window.addEventListener('hashchange', changed);
        return () => window.removeEventListener('hashchange', changed);
    }, []);

    // Network

    useEffect(() => {
        const up = () => setOnline(true);
        const down = () => setOnline(false);
        window.addEventListener('online', up);
        window.addEventListener('offline', down);
        const stopOffline = onRpc('offline', () => {
            if (!navigator.onLine) {
                setOnline(false);
            }
        });
        const stopExpired = onRpc('expired', () => {
            if (profileRef.current) {
                setLoginNotice(t('login.expired'));
            }
            setPhase((p) => (p === 'ready' ? 'expired' : p));
        });
        return () => {
            window.removeEventListener('online', up);
            window.removeEventListener('offline', down);
            stopOffline();
            stopExpired();
        };
    }, []);

    // The service worker: a push arrived (counts), an alert was tapped
    // while the app was open (go to its record)

    useEffect(() => {
        if (!('serviceWorker' in navigator)) {
            return;
        }
        const onMessage = (event) => {
            const data = event.data || {};
            if (data.type === 'push') {
                refreshCounts();
            } else if (data.type === 'open' && typeof data.url === 'string'
                    && data.url.startsWith(window.location.origin + BASE
                        + '/mobile/')) {
                window.location.href = data.url;
            }
        };
        navigator.serviceWorker.addEventListener('message', onMessage);
        return () => navigator.serviceWorker.removeEventListener(
            'message', onMessage);
    }, []);

    // Installation (Chromium's prompt, kept for the Settings button)

    useEffect(() => {
        const keep = (event) => {
            event.preventDefault();
            setInstall(event);
        };
        window.addEventListener('beforeinstallprompt', keep);
        return () => window.removeEventListener('beforeinstallprompt', keep);
    }, []);

    // Language: the user's preference

    useEffect(() => {
        const code = profile && profile.context && profile.context.language;
        const wanted = languageOf(code || storageGet(LANG_KEY) || 'en');
        setLanguage(wanted).then((l) => {
            storageSet(LANG_KEY, l);
            setLang(l);
            setVersion((v) => v + 1);
        });
    }, [profile && profile.context && profile.context.language]);

    // The services of the screens

    const app = useMemo(() => {
        const owner = () => {
            const p = profileRef.current;
            const login = p ? p.user.login : (savedSession() || {}).login;
            return `${DATABASE}/${login || '-'}`;
        };
        const context = () => (profileRef.current
            ? profileRef.current.context : {});
        const hasModel = (name) => {
            const p = profileRef.current;
            return Boolean(p && p.models && p.models.includes(name));
        };
        const call = (model, method, ...args) =>
            rpc(`model.${model}.${method}`, ...args, context());
        const services = {
            get t() {
                return t;
            },
            get lang() {
                return language();
            },
            get dir() {
                return language() === 'ur' ? 'rtl' : 'ltr';
            },
            get user() {
                return profileRef.current ? profileRef.current.user : null;
            },
            get context() {
                return context();
            },
            get online() {
                return onlineRef.current;
            },
            database: DATABASE,
            base: BASE,
            rpc,
            call,
            hasModel,
            can(model, mode = 'read') {
                const p = profileRef.current;
                const rights = p && p.access && p.access[model];
                return rights ? Boolean(rights[mode]) : hasModel(model);
            },
            searchRead(model, domain, {fields = ['rec_name'], order = null,
                limit = null, offset = 0} = {}) {
                return call(model, 'search_read', domain, offset, limit,
                    order, fields);
            },
            searchCount(model, domain) {
                return call(model, 'search_count', domain, 0, null);
            },
            button(model, name, ids) {
                return call(model, name, ids);
            },
            async cached(key, loader) {
                const full = `${owner()}/${key}`;
                const read = async () => {
                    const stored = await cacheGet(full);
                    if (stored) {
                        return {data: stored.data, stale: true,
                            at: new Date(stored.at)};
                    }
                    return null;
                };
                if (!onlineRef.current) {
                    const stored = await read();
                    if (stored) {
                        return stored;
                    }
                    throw new RpcError(t('offline.not_cached'),
                        {status: 0, offline: true});
                }
                try {
                    const data = await loader();
                    cacheSet(full, {data, at: Date.now()});
                    return {data, stale: false, at: new Date()};
                } catch (error) {
                    if (error instanceof RpcError && error.offline) {
                        const stored = await read();
                        if (stored) {
                            return stored;
                        }
                    }
                    throw error;
                }
            },
            async peek(key) {
                // What is stored under key, without reading the server
                const stored = await cacheGet(`${owner()}/${key}`);
                return stored ? {data: stored.data, stale: true,
                    at: new Date(stored.at)} : null;
            },
            async act({label, model, method, args, queue = false,
                    document = null}) {
                if (!onlineRef.current) {
                    if (!queue) {
                        throw new RpcError(t('offline.refused'),
                            {status: 0, offline: true, kind: 'offline'});
                    }
                    await outboxRef.current.add(
                        {label, model, method, args, document});
                    toast(t('outbox.queued', {label}));
                    return {queued: true};
                }
                try {
                    return await call(model, method, ...args);
                } catch (error) {
                    if (error instanceof RpcError && error.offline && queue) {
                        setOnline(navigator.onLine !== false
                            ? onlineRef.current : false);
                        await outboxRef.current.add(
                            {label, model, method, args, document});
                        toast(t('outbox.queued', {label}));
                        return {queued: true};
                    }
                    throw error;
                }
            },
            error: showError,
            toast,
            navigate(path) {
                window.location.hash = `#${path}`;
            },
            back() {
                if (window.history.length > 1) {
                    window.history.back();
                } else {
                    window.location.hash = '#/';
                }
            },
            refreshCounts: () => refreshCounts(),
            get counts() {
                return countsRef.current;
            },
            get outbox() {
                return outboxRef.current;
            },
            get outboxItems() {
                return outboxItemsRef.current;
            },
            get install() {
                return installRef.current;
            },
            logout: () => doLogout(),
            formatDateTime,
            addStrings,
        };
        return services;
    }, []);

    const countsRef = useRef(counts);
    countsRef.current = counts;
    const outboxItemsRef = useRef(outboxItems);
    outboxItemsRef.current = outboxItems;
    const installRef = useRef(install);
    installRef.current = install;

    // Counts and badge

    const countsFlight = useRef(null);
    const countsAt = useRef(0);
    const refreshCounts = useCallback(() => {
        // One reading at a time: callers during one share it.
        if (countsFlight.current) {
            return countsFlight.current;
        }
        if (!(savedSession() || {}).login) {
            return Promise.resolve();
        }
        setCounts((c) => ({...c, loading: true}));
        countsFlight.current = app.cached('counts', async () => {
            const [tabs, unread] = await Promise.all([
                loadCounts(app),
                app.searchCount('edaftar.movement', [
                    ['to_me', '=', true], ['read_at', '=', null]]),
            ]);
            return {tabs, unread};
        }).then((result) => {
            setCounts({...result, loading: false});
            setBadge(result.data.unread);
            if (!result.stale) {
                countsAt.current = Date.now();
            }
        }, (error) => {
            setCounts((c) => ({...c, loading: false}));
            if (!(error instanceof RpcError && error.offline)) {
                showError(error);
            }
        }).finally(() => {
            countsFlight.current = null;
        });
        return countsFlight.current;
    }, []);

    // The outbox

    const reloadOutbox = useCallback(async () => {
        if (outboxRef.current) {
            setOutboxItems(await outboxRef.current.items());
        }
    }, []);

    useEffect(() => {
        if (!profile) {
            outboxRef.current = null;
            setOutboxItems([]);
            return;
        }
        outboxRef.current = new Outbox({
            owner: `${DATABASE}/${profile.user.login}`,
            context: () => (profileRef.current
                ? profileRef.current.context : {}),
            onChange: reloadOutbox,
            onOutcome: (item) => {
                if (item.state === 'sent') {
                    toast(t('outbox.sent', {label: item.label}), 'success');
                } else {
                    toast(t('outbox.refused_toast', {label: item.label,
                        message: item.message}), 'error');
                }
            },
        });
        reloadOutbox();
    }, [profile && profile.user.login]);

    useEffect(() => {
        if (online && phase === 'ready' && outboxRef.current) {
            outboxRef.current.flush().then((results) => {
                if (results && results.length) {
                    refreshCounts();
                    setVersion((v) => v + 1);
                }
            });
        }
    }, [online, phase, profile && profile.user.login]);

    // At each start: the counts stored on the phone at once, then read
    // from the server; then the profile (name, language, models, rights)
    // read again, after the counts: on a slow line each request waits its
    // turn among the six a browser sends at once.

    const profileAt = useRef(0);
    useEffect(() => {
        if (phase !== 'ready') {
            return;
        }
        let cancelled = false;
        (async () => {
            if (!countsRef.current.data) {
                const stored = await app.peek('counts');
                if (stored && !countsRef.current.data) {
                    setCounts({...stored, loading: onlineRef.current});
                    setBadge(stored.data.unread);
                }
            }
            if (!onlineRef.current) {
                return;
            }
            if (Date.now() - countsAt.current > 5000) {
                await refreshCounts();  // (just read at login otherwise)
            }
            if (cancelled || Date.now() - profileAt.current < 60_000) {
                return;
            }
            try {
                const fresh = await readProfile();
                if (cancelled) {
                    return;
                }
                profileAt.current = Date.now();
                storageSet(PROFILE_KEY, fresh);
                setProfile(fresh);
                renewPush(app).catch(() => {});
            } catch (error) {
                if (!(error instanceof RpcError
                        && (error.offline || error.status === 401))) {
                    showError(error);
                }
            }
        })();
        return () => {
            cancelled = true;
        };
    }, [phase === 'ready', online, profile && profile.user.login]);

    // The bus while open (PostgreSQL); the counts polled otherwise

    useEffect(() => {
        if (phase !== 'ready' || !online || !profile) {
            return;
        }
        const controller = new AbortController();
        let stopped = false;
        let timer = null;
        const poll = () => {
            timer = setTimeout(() => {
                if (document.visibilityState === 'visible') {
                    refreshCounts();
                }
                poll();
            }, POLL_SECONDS * 1000);
        };
        const listenRaw = async () => {
            let last = null;
            let wait = 1;
            // As the web client: the server gives the bus's address at
            // login only when it allows subscribing (PostgreSQL).
            const session = savedSession() || {};
            let host = null;
            try {
                host = session.bus_url_host
                    ? new URL(session.bus_url_host).origin : null;
            } catch (error) {
                host = null;
            }
            if (host !== window.location.origin) {
                poll();
                return;
            }
            await new Promise((resolve) => setTimeout(resolve, 3000));
            while (!stopped) {
                let response;
                try {
                    response = await fetch(`${BASE}/bus`, {
                        method: 'POST',
                        credentials: 'same-origin',
                        cache: 'no-store',
                        signal: controller.signal,
                        headers: {
                            'Content-Type': 'application/json',
                            'X-Requested-With': 'XMLHttpRequest',
                        },
                        body: JSON.stringify({
                            last_message: last,
                            channels: [`notification:${profile.user.id}`],
                        }),
                    });
                } catch (error) {
                    if (stopped) {
                        return;
                    }
                    await new Promise((resolve) => setTimeout(resolve,
                        Math.min(wait *= 2, 60) * 1000));
                    continue;
                }
                if (!response.ok) {
                    // 501: no bus (SQLite or [bus] allow_subscribe off)
                    poll();
                    return;
                }
                wait = 1;
                let data = null;
                try {
                    data = await response.json();
                } catch (error) {
                    data = null;
                }
                if (data && data.message) {
                    last = data.message.message_id || last;
                    const content = data.message;
                    if (content.type === 'user-notification'
                            && content.content && content.content.length) {
                        toast(content.content[0]);
                    } else if (content.type === 'notification'
                            && content.title) {
                        toast(content.title);
                    }
                    refreshCounts();
                }
            }
        };
        listenRaw();
        return () => {
            stopped = true;
            controller.abort();
            clearTimeout(timer);
        };
    }, [phase === 'ready', online, profile && profile.user.id]);

    // Session

    const afterLogin = useCallback(async () => {
        // The counts are read while the profile is
        refreshCounts();
        const fresh = await readProfile();
        profileAt.current = Date.now();
        const previous = storageGet(PROFILE_KEY);
        if (previous && previous.user && previous.user.login
                !== fresh.user.login) {
            await cacheClear(`${DATABASE}/${previous.user.login}/`);
        }
        storageSet(PROFILE_KEY, fresh);
        await setLanguage(fresh.context.language);
        setProfile(fresh);
        setLoginNotice('');
        setPhase((p) => {
            // Back from an expired session: the screen is read again,
            // unless it is a form being filled (kept as it was).
            const current = resolve(window.location.hash, () => true).screen;
            if (p === 'expired' && !(current && current.form)) {
                setVersion((v) => v + 1);
            }
            return 'ready';
        });
        setMessage(null);
    }, []);

    const doLogin = useCallback(async (login, password) => {
        const previous = profileRef.current;
        if (previous && previous.user.login !== login) {
            // Someone else on this phone: the screen was theirs.
            window.location.hash = '#/';
        }
        await logIn(login, password);
        await afterLogin();
    }, []);

    const doLogout = useCallback(async () => {
        const p = profileRef.current;
        // No alerts for this user on this phone any more
        await disablePush(app).catch(() => {});
        await logOut();
        if (p) {
            await cacheClear(`${DATABASE}/${p.user.login}/`);
        }
        storageSet(PROFILE_KEY, null);
        setBadge(0);
        setProfile(null);
        setCounts({data: null, stale: false, at: null, loading: false});
        setLoginNotice('');
        setPhase('login');
        window.location.hash = '#/';
    }, []);

    // Render

    const route = resolve(hash, app.hasModel);
    void lang;
    void version;
    const body = [];
    if (phase === 'login' || !profile) {
        body.push(html`<${Login} key="login" notice=${loginNotice}
            onLogin=${doLogin} />`);
    } else {
        const Screen = route.screen ? route.screen.component : NotFound;
        body.push(html`<${Screen} key=${route.path + '#' + version}
            app=${app} params=${route.params} query=${route.query}
            counts=${counts} outboxItems=${outboxItems} />`);
        if (phase === 'expired') {
            body.push(html`<${Login} key="expired" overlay=${true}
                notice=${loginNotice} onLogin=${doLogin}
                onLogout=${doLogout} />`);
        }
    }
    return html`
        <${Offline} online=${online} app=${app}
            waiting=${outboxItems.filter((i) => i.state === 'waiting').length} />
        <${MessageBar} message=${message} onClose=${() => setMessage(null)} />
        ${body}
        <${Toasts} toasts=${toasts} />`;
}

function NotFound({app}) {
    return html`<main class="screen">
        <p class="empty">${app.t('screen.not_found')}</p>
        <p class="center"><a class="button" href="#/">${app.t('nav.home')}</a></p>
    </main>`;
}

function setBadge(count) {
    try {
        if (count > 0 && navigator.setAppBadge) {
            navigator.setAppBadge(count).catch(() => {});
        } else if (navigator.clearAppBadge) {
            navigator.clearAppBadge().catch(() => {});
        }
    } catch (error) {
        // No badge on this platform: the app shows its own.
    }
}
