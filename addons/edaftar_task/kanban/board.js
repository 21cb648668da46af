/* This file is part of e-Daftar.  The COPYRIGHT file at the top level of
   this repository contains the full copyright notices and license terms.

   The Kanban board of one's tasks (doc/kanban.rst). It talks to the
   database's JSON-RPC (/<database>/rpc/) as the web client does, with the
   same session: the web client's HttpOnly cookie (path /<database>) when the
   user is logged in there, otherwise one made by the login form below
   through /<database>/session/login, which the web client then shares.
   Moving a card clicks the task's button; the server decides, and its
   message is shown when it refuses. Text only ever goes in as textContent:
   the page's policy (Trusted Types) makes any HTML sink throw. */
(function() {
    'use strict';

    const BOARD_PATH = /\/edaftar_task\/board\/?$/;
    // '/<database>' as it is in the address (URL-encoded)
    const BASE = window.location.pathname.replace(BOARD_PATH, '');
    const DATABASE = decodeURIComponent(BASE.slice(1));
    const MODEL = 'edaftar.task';
    const STATES = ['todo', 'in_progress', 'done', 'cancelled'];
    const STATE_NAMES = {
        todo: 'To Do',
        in_progress: 'In Progress',
        done: 'Done',
        cancelled: 'Cancelled',
    };
    // The button that takes a task from a state (key) to another: the
    // transitions of the task's workflow that a button makes.
    const MOVES = {
        todo: {in_progress: 'start', done: 'complete', cancelled: 'cancel'},
        in_progress: {done: 'complete', cancelled: 'cancel'},
        done: {in_progress: 'reopen'},
        cancelled: {todo: 'reopen'},
    };
    const BUTTON_NAMES = {
        start: 'Start',
        complete: 'Complete',
        cancel: 'Cancel',
        reopen: 'Reopen',
    };
    // The tasks of each view: given to the user (or to the officer they
    // act for as PA/PS), or given by them
    const DOMAINS = {
        mine: [['assigned_to_me', '=', true]],
        given: [['given_by_me', '=', true]],
    };
    // Per column: the order and how many cards are read (the closed
    // columns show the latest only).
    const COLUMN_QUERIES = {
        todo: {order: [['due_date', 'ASC'], ['id', 'ASC']], limit: 200},
        in_progress: {order: [['due_date', 'ASC'], ['id', 'ASC']], limit: 200},
        done: {order: [['completed_at', 'DESC'], ['id', 'DESC']], limit: 50},
        cancelled: {order: [['write_date', 'DESC'], ['id', 'DESC']],
            limit: 50},
    };
    const FIELDS = [
        'name', 'state', 'due_date', 'overdue', 'progress',
        'assignee.rec_name', 'assigned_by.rec_name', 'group.rec_name',
    ];

    const $ = (id) => document.getElementById(id);
    const elements = {
        tools: $('tools'),
        mine: $('show-mine'),
        given: $('show-given'),
        refresh: $('refresh'),
        user: $('user'),
        logout: $('logout'),
        openClient: $('open-client'),
        message: $('message'),
        messageText: $('message-text'),
        messageDescription: $('message-description'),
        messageClose: $('message-close'),
        status: $('status'),
        login: $('login'),
        loginName: $('login-name'),
        loginPassword: $('login-password'),
        loginSubmit: $('login-submit'),
        loginError: $('login-error'),
        loading: $('loading'),
        board: $('board'),
        template: $('card-template'),
    };
    const columns = new Map();
    for (const section of elements.board.querySelectorAll('.column')) {
        columns.set(section.dataset.state, {
            section: section,
            list: section.querySelector('.cards'),
            count: section.querySelector('.count'),
            more: section.querySelector('.column-more'),
        });
    }

    let context = {};
    let view = window.location.hash === '#given' ? 'given' : 'mine';
    let rpcId = 0;
    let dragged = null;
    let loading = null;

    // JSON-RPC

    class RpcError extends Error {
        constructor(message,
                {description = '', status = 200, kind = ''} = {}) {
            super(message);
            this.description = description;
            this.status = status;
            this.kind = kind;
        }
    }

    function errorOfAnswer(error) {
        // error is [kind, args] as trytond's JSON-RPC answers an exception
        const [kind, args] = Array.isArray(error)
            ? error : [String(error), []];
        const parts = Array.isArray(args) ? args : [args];
        if (kind === 'UserError') {
            return new RpcError(String(parts[0] || kind), {
                description: String(parts[1] || ''), kind: kind});
        } else if (kind === 'UserWarning') {
            return new RpcError(String(parts[1] || kind), {
                description: String(parts[2] || ''), kind: kind});
        } else if (kind === 'ConcurrencyException') {
            return new RpcError(
                'The task was changed meanwhile: the board is reloaded.',
                {kind: kind});
        } else if (kind === 'LoginException') {
            return new RpcError(String(parts[1] || kind), {kind: kind});
        }
        return new RpcError(
            'The server could not do it: ' + String(kind), {kind: kind});
    }

    async function post(url, body) {
        let response;
        try {
            response = await fetch(url, {
                method: 'POST',
                credentials: 'same-origin',
                cache: 'no-store',
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
            throw new RpcError('The server cannot be reached.', {status: 0});
        }
        if (!response.ok) {
            const messages = {
                401: 'You are not logged in (or your session has ended).',
                403: 'The server refused the request.',
                429: 'Too many attempts: try again later.',
            };
            throw new RpcError(
                messages[response.status]
                || `The server answered ${response.status}.`,
                {status: response.status});
        }
        const data = await response.json();
        if (data && data.error) {
            throw errorOfAnswer(data.error);
        }
        return data ? data.result : null;
    }

    function rpc(method, ...params) {
        return post(`${BASE}/rpc/`, {
            id: ++rpcId,
            method: method,
            params: params,
        });
    }

    // The session, shared with the web client

    function storageGet(storage, key) {
        try {
            return JSON.parse(storage.getItem(key));
        } catch (error) {
            return null;
        }
    }

    function storageSet(storage, key, value) {
        try {
            storage.setItem(key, JSON.stringify(value));
        } catch (error) {
            // Storage may be disabled: the cookie session still works.
        }
    }

    function deviceCookie(login) {
        const cookies = storageGet(localStorage, 'sao_device_cookies') || {};
        return (cookies[DATABASE] || {})[login] || null;
    }

    async function renewDeviceCookie(login) {
        // As the web client does: the device cookie lets this browser log
        // in while someone else's failed attempts throttle the login.
        try {
            const cookie = await rpc(
                'model.res.user.device.renew', deviceCookie(login), {});
            const cookies = storageGet(localStorage, 'sao_device_cookies')
                || {};
            cookies[DATABASE] = cookies[DATABASE] || {};
            cookies[DATABASE][login] = cookie;
            storageSet(localStorage, 'sao_device_cookies', cookies);
        } catch (error) {
            // Not needed to work.
        }
    }

    async function logIn(login, password) {
        // The web client's own call: the server answers with the session
        // in an HttpOnly cookie for /<database>, which the page never sees.
        const [userId, busUrlHost] = await post(`${BASE}/session/login`, {
            id: 0,
            method: 'common.db.login',
            params: [login, {
                password: password,
                device_cookie: deviceCookie(login),
            }, null],
        });
        storageSet(localStorage, `sao_session_${DATABASE}`, {
            login: login,
            user_id: userId,
            bus_url_host: busUrlHost,
        });
        await renewDeviceCookie(login);
    }

    async function logOut() {
        try {
            await post(`${BASE}/session/logout`, {});
        } catch (error) {
            // Already ended.
        }
        try {
            localStorage.removeItem(`sao_session_${DATABASE}`);
        } catch (error) {
            // Storage disabled
        }
        context = {};
        showLogin();
    }

    // Messages

    function showMessage(message, description = '') {
        elements.messageText.textContent = message;
        elements.messageDescription.textContent = description;
        elements.messageDescription.hidden = !description;
        elements.message.hidden = false;
    }

    function hideMessage() {
        elements.message.hidden = true;
        elements.messageText.textContent = '';
        elements.messageDescription.textContent = '';
    }

    function announce(text) {
        elements.status.textContent = text;
    }

    function handleError(error) {
        if (error instanceof RpcError && error.status === 401) {
            showLogin();
        }
        showMessage(error.message, error.description || '');
    }

    // Views

    function showLogin() {
        elements.board.hidden = true;
        elements.tools.hidden = true;
        elements.loading.hidden = true;
        elements.login.hidden = false;
        const session = storageGet(localStorage, `sao_session_${DATABASE}`);
        if (session && session.login && !elements.loginName.value) {
            elements.loginName.value = session.login;
        }
        (elements.loginName.value
            ? elements.loginPassword : elements.loginName).focus();
    }

    function showBoard() {
        elements.login.hidden = true;
        elements.loading.hidden = true;
        elements.tools.hidden = false;
        elements.board.hidden = false;
        elements.mine.setAttribute('aria-pressed', String(view === 'mine'));
        elements.given.setAttribute('aria-pressed', String(view === 'given'));
    }

    function formatDate(value) {
        // trytond's JSON of a date: {__class__: 'date', year, month, day}
        if (!value || value.__class__ !== 'date') {
            return {iso: '', text: ''};
        }
        const pad = (n, width) => String(n).padStart(width, '0');
        const iso = `${pad(value.year, 4)}-${pad(value.month, 2)}-` +
            pad(value.day, 2);
        const date = new Date(
            Date.UTC(value.year, value.month - 1, value.day));
        const options = {timeZone: 'UTC', day: 'numeric', month: 'short',
            year: 'numeric'};
        let text;
        try {
            text = date.toLocaleDateString(context.language
                ? context.language.replace('_', '-') : undefined, options);
        } catch (error) {
            text = date.toLocaleDateString(undefined, options);
        }
        return {iso: iso, text: text};
    }

    function recName(task, field) {
        const value = task[`${field}.`];
        return value && value.rec_name ? value.rec_name : '';
    }

    function renderCard(task) {
        const card = elements.template.content.firstElementChild
            .cloneNode(true);
        card.dataset.id = String(task.id);
        card.dataset.state = task.state;
        card.querySelector('.card-name').textContent = task.name;
        card.querySelector('.card-group').textContent =
            recName(task, 'group');
        const due = formatDate(task.due_date);
        const time = card.querySelector('.card-due');
        time.dateTime = due.iso;
        time.textContent = due.text;
        if (task.overdue) {
            card.classList.add('overdue');
            card.querySelector('.card-overdue').hidden = false;
        }
        card.querySelector('.card-assignee').textContent =
            recName(task, 'assignee');
        card.querySelector('.card-assigner').textContent =
            recName(task, 'assigned_by');
        const progress = Math.max(0, Math.min(100, task.progress || 0));
        card.querySelector('.card-progress-bar').value = progress;
        card.querySelector('.card-progress-text').textContent =
            `${progress}%`;

        const actions = card.querySelector('.card-actions');
        for (const [target, button] of Object.entries(MOVES[task.state]
                || {})) {
            const element = document.createElement('button');
            element.type = 'button';
            element.className = `card-button card-button-${button}`;
            element.dataset.target = target;
            element.textContent = BUTTON_NAMES[button];
            element.title = `${BUTTON_NAMES[button]}: move to ` +
                STATE_NAMES[target];
            element.addEventListener('click', () => move(card, target));
            actions.append(element);
        }
        const open = card.querySelector('.card-open');
        open.href = `/#${encodeURIComponent(DATABASE)}/model/${MODEL}/` +
            String(task.id);

        card.addEventListener('dragstart', (event) => {
            if (card.classList.contains('pending')) {
                event.preventDefault();
                return;
            }
            dragged = card;
            card.classList.add('dragging');
            event.dataTransfer.effectAllowed = 'move';
            event.dataTransfer.setData('text/plain', card.dataset.id);
        });
        card.addEventListener('dragend', () => {
            card.classList.remove('dragging');
            dragged = null;
            for (const column of columns.values()) {
                column.section.classList.remove('drop-target');
            }
        });
        return card;
    }

    function updateCounts() {
        for (const column of columns.values()) {
            column.count.textContent = String(
                column.list.querySelectorAll('.card').length);
        }
    }

    async function loadBoard(focusId = null) {
        const domain = DOMAINS[view];
        const request = Promise.all(STATES.map((state) => {
            const query = COLUMN_QUERIES[state];
            return rpc(`model.${MODEL}.search_read`,
                [...domain, ['state', '=', state]], 0, query.limit,
                query.order, FIELDS, context);
        }));
        loading = request;
        const results = await request;
        if (loading !== request) {
            return;  // a newer load (another view) is under way
        }
        STATES.forEach((state, index) => {
            const column = columns.get(state);
            const tasks = results[index];
            column.list.replaceChildren(...tasks.map(renderCard));
            const limit = COLUMN_QUERIES[state].limit;
            column.more.hidden = tasks.length < limit;
            column.more.textContent = tasks.length < limit ? ''
                : `Only the first ${limit} are shown.`;
        });
        updateCounts();
        if (focusId !== null) {
            const card = elements.board.querySelector(
                `.card[data-id="${Number(focusId)}"]`);
            if (card) {
                (card.querySelector('.card-button') || card).focus();
            }
        }
    }

    async function start() {
        elements.loading.hidden = false;
        try {
            const [preferences, user] = await Promise.all([
                rpc('model.res.user.get_preferences', true, {}),
                rpc('model.res.user.get_preferences', false, {}),
            ]);
            context = Object.fromEntries(Object.entries(preferences)
                .filter(([key]) => key !== 'locale'
                    && !key.endsWith('.rec_name')));
            elements.user.textContent = user.name || user.login || '';
            showBoard();
            await loadBoard();
        } catch (error) {
            if (error instanceof RpcError && error.status === 401) {
                showLogin();
            } else {
                elements.loading.hidden = true;
                handleError(error);
            }
        }
    }

    // Moving a card

    async function move(card, target) {
        const state = card.dataset.state;
        if (state === target || card.classList.contains('pending')) {
            return;
        }
        const button = (MOVES[state] || {})[target];
        const name = card.querySelector('.card-name').textContent;
        if (!button) {
            showMessage(`A task cannot go from ${STATE_NAMES[state]} to ` +
                `${STATE_NAMES[target]}.`);
            return;
        }
        hideMessage();
        announce('');
        const origin = {list: card.parentElement,
            next: card.nextElementSibling};
        columns.get(target).list.prepend(card);
        card.classList.add('pending');
        card.setAttribute('aria-busy', 'true');
        updateCounts();
        const id = Number(card.dataset.id);
        try {
            await rpc(`model.${MODEL}.${button}`, [id], context);
        } catch (error) {
            // Refused: the card goes back where it was (unless the board
            // was read again meanwhile).
            if (!card.isConnected) {
                // replaced by the new reading
            } else if (origin.next
                    && origin.next.parentElement === origin.list) {
                origin.list.insertBefore(card, origin.next);
            } else {
                origin.list.append(card);
            }
            card.classList.remove('pending');
            card.removeAttribute('aria-busy');
            updateCounts();
            handleError(error);
            if (error instanceof RpcError
                    && error.kind === 'ConcurrencyException') {
                loadBoard(id).catch(handleError);
            }
            return;
        }
        announce(`"${name}": ${BUTTON_NAMES[button]}, ` +
            `now ${STATE_NAMES[target]}.`);
        // The server says where the task is now (and what else moved
        // with it, such as cancelled subtasks).
        try {
            await loadBoard(id);
        } catch (error) {
            handleError(error);
        }
    }

    for (const [state, column] of columns) {
        const section = column.section;
        section.addEventListener('dragover', (event) => {
            if (!dragged || dragged.dataset.state === state) {
                return;
            }
            event.preventDefault();
            event.dataTransfer.dropEffect = 'move';
            section.classList.add('drop-target');
        });
        section.addEventListener('dragleave', (event) => {
            if (!section.contains(event.relatedTarget)) {
                section.classList.remove('drop-target');
            }
        });
        section.addEventListener('drop', (event) => {
            event.preventDefault();
            section.classList.remove('drop-target');
            const card = dragged;
            dragged = null;
            if (card) {
                move(card, state);
            }
        });
    }

    // Tools

    function setView(name) {
        if (view === name) {
            return;
        }
        view = name;
        history.replaceState(null, '', name === 'given' ? '#given'
            : window.location.pathname + window.location.search);
        showBoard();
        hideMessage();
        loadBoard().catch(handleError);
    }

    elements.mine.addEventListener('click', () => setView('mine'));
    elements.given.addEventListener('click', () => setView('given'));
    elements.refresh.addEventListener('click', () => {
        hideMessage();
        loadBoard().catch(handleError);
    });
    elements.logout.addEventListener('click', logOut);
    elements.messageClose.addEventListener('click', hideMessage);
    elements.openClient.href = `/#${encodeURIComponent(DATABASE)}`;

    elements.login.addEventListener('submit', async (event) => {
        event.preventDefault();
        elements.loginError.hidden = true;
        elements.loginSubmit.disabled = true;
        const login = elements.loginName.value.trim();
        try {
            await logIn(login, elements.loginPassword.value);
        } catch (error) {
            elements.loginError.textContent = error.status === 401
                ? 'Wrong user name or password.' : error.message;
            elements.loginError.hidden = false;
            elements.loginPassword.select();
            return;
        } finally {
            elements.loginSubmit.disabled = false;
        }
        elements.loginPassword.value = '';
        hideMessage();
        await start();
    });

    start();
}());
