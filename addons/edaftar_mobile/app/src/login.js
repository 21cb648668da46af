/* This file is part of e-Daftar.  The COPYRIGHT file at the top level of
   this repository contains the full copyright notices and license terms.

   Log in with the staff account (the web client's own login).  When the
   session has ended the form is shown over the screen the user was on,
   which stays as it was (a form being filled keeps what was typed). */
import {html, useState, useEffect, useRef} from './lib/html.js';
import {t} from './lib/i18n.js';
import {savedSession} from './lib/session.js';
import {Button} from './ui.js';

export function Login({notice = '', onLogin, overlay = false, onLogout}) {
    const saved = savedSession();
    const [login, setLogin] = useState((saved && saved.login) || '');
    const [password, setPassword] = useState('');
    const [error, setError] = useState('');
    const [busy, setBusy] = useState(false);
    const nameRef = useRef(null);
    const passwordRef = useRef(null);
    useEffect(() => {
        (login ? passwordRef : nameRef).current?.focus();
    }, []);
    const submit = async (event) => {
        event.preventDefault();
        setError('');
        setBusy(true);
        try {
            await onLogin(login.trim(), password);
        } catch (failure) {
            setError(failure.status === 401 || failure.kind === 'LoginException'
                ? t('login.wrong') : failure.message);
            setBusy(false);
            passwordRef.current?.select();
        }
    };
    return html`<div class=${overlay ? 'login-overlay' : 'login-page'}>
        <form class="login" id="login" method="post" onSubmit=${submit}
                aria-labelledby="login-title">
            <div class="login-logo" aria-hidden="true">e</div>
            <h1 id="login-title">${t('login.title')}</h1>
            ${notice ? html`<p class="login-notice" role="alert">${notice}</p>`
                : null}
            <label for="login-name">${t('login.name')}</label>
            <input id="login-name" name="username" autocomplete="username"
                autocapitalize="none" spellcheck="false" required
                readonly=${overlay && Boolean(saved && saved.login)}
                value=${login} ref=${nameRef}
                onInput=${(e) => setLogin(e.target.value)} />
            <label for="login-password">${t('login.password')}</label>
            <input id="login-password" name="password" type="password"
                autocomplete="current-password" required value=${password}
                ref=${passwordRef}
                onInput=${(e) => setPassword(e.target.value)} />
            <${Button} type="submit" id="login-submit" busy=${busy}>
                ${t('login.submit')}</${Button}>
            ${error ? html`<p class="login-error" role="alert">${error}</p>`
                : null}
            ${overlay && onLogout ? html`<button type="button" class="link"
                onClick=${onLogout}>${t('login.other')}</button>` : null}
        </form>
    </div>`;
}
