/* This file is part of e-Daftar.  The COPYRIGHT file at the top level of
   this repository contains the full copyright notices and license terms.

   Me and this phone: who is logged in, the language (the user's Tryton
   preference, changed here for every client), alerts on this phone (Web
   Push, asked on a tap), installing the app, logging out. */
import {html, useState, useEffect} from '../lib/html.js';
import {registerScreen} from '../registry.js';
import {
    pushState, enablePush, disablePush, pushSupported,
} from '../lib/push.js';
import {LANGUAGES} from '../lib/i18n.js';
import {Screen, Section, Button, Field, Facts} from '../ui.js';

const VERSION = typeof __BUILD__ === 'undefined' ? 'dev' : __BUILD__;

function Settings({app}) {
    const [push, setPush] = useState('');
    const [busy, setBusy] = useState('');
    const [languages, setLanguages] = useState([]);
    useEffect(() => {
        pushState(app).then(setPush, () => setPush('unavailable'));
        if (app.online) {
            app.searchRead('ir.lang', [['translatable', '=', true]],
                {fields: ['code', 'name']})
                .then((rows) => setLanguages(rows.filter(
                    (r) => /^(en|ur)/.test(r.code))), () => {});
        }
    }, []);
    const turnOn = async () => {
        setBusy('push');
        try {
            await enablePush(app);
            setPush('on');
            app.toast(app.t('push.on_done'), 'success');
        } catch (error) {
            app.error(error);
            setPush(await pushState(app).catch(() => 'unavailable'));
        } finally {
            setBusy('');
        }
    };
    const turnOff = async () => {
        setBusy('push');
        await disablePush(app);
        setPush(await pushState(app).catch(() => 'off'));
        setBusy('');
    };
    const test = async () => {
        setBusy('test');
        try {
            const n = await app.call('edaftar.push.subscription', 'send_test');
            app.toast(app.t('push.test_sent', {count: n}));
        } catch (error) {
            app.error(error);
        } finally {
            setBusy('');
        }
    };
    const changeLanguage = async (code) => {
        setBusy('lang');
        try {
            await app.act({label: app.t('settings.language'),
                model: 'res.user', method: 'set_preferences',
                args: [{language: code}]});
            window.location.reload();
        } catch (error) {
            app.error(error);
            setBusy('');
        }
    };
    const install = async () => {
        const prompt = app.install;
        if (prompt) {
            prompt.prompt();
            await prompt.userChoice.catch(() => null);
        }
    };
    const user = app.user || {};
    const current = (app.context.language || 'en');
    return html`<${Screen} app=${app} title=${app.t('settings.title')}
            id="settings">
        <${Section} title=${app.t('settings.me')}>
            <${Facts} rows=${[
                [app.t('settings.name'), user.employee_name || user.name],
                [app.t('login.name'), user.login],
                [app.t('settings.database'), app.database],
            ]} />
        </${Section}>
        <${Section} title=${app.t('settings.language')}>
            <${Field} id="language" label=${app.t('settings.language')}
                    hint=${app.t('settings.language_hint')}>
                <select id="language" value=${current}
                        disabled=${!app.online || busy === 'lang'}
                        onChange=${(e) => changeLanguage(e.target.value)}>
                    ${(languages.length ? languages : [{code: current,
                        name: LANGUAGES[app.lang].name}]).map((l) => html`
                        <option value=${l.code}>${l.name}</option>`)}
                </select>
            </${Field}>
        </${Section}>
        <${Section} title=${app.t('push.title')}>
            <p class="hint" id="push-state">${push
                ? app.t(`push.state.${push}`) : '…'}</p>
            ${push === 'off' ? html`<${Button} id="push-on"
                busy=${busy === 'push'} onClick=${turnOn}>
                ${app.t('push.turn_on')}</${Button}>` : null}
            ${push === 'on' ? html`<div class="actions">
                <${Button} kind="secondary" id="push-test"
                    busy=${busy === 'test'} onClick=${test}>
                    ${app.t('push.test')}</${Button}>
                <${Button} kind="secondary" id="push-off"
                    busy=${busy === 'push'} onClick=${turnOff}>
                    ${app.t('push.turn_off')}</${Button}></div>` : null}
            ${!pushSupported() ? html`<p class="hint">
                ${app.t('push.install_hint')}</p>` : null}
        </${Section}>
        ${app.install ? html`<${Section} title=${app.t('settings.install')}>
            <${Button} id="install" onClick=${install}>
                ${app.t('settings.install_button')}</${Button}>
        </${Section}>` : null}
        <${Section} title=${app.t('outbox.title')}>
            <a class="button button-secondary" href="#/outbox">
                ${app.t('outbox.open_list')}</a>
        </${Section}>
        <div class="actions">
            <${Button} kind="danger" id="logout" onClick=${app.logout}>
                ${app.t('settings.logout')}</${Button}>
        </div>
        <p class="version">${app.t('settings.version', {version: VERSION})}</p>
    </${Screen}>`;
}

registerScreen({
    id: 'settings',
    path: '/settings',
    component: Settings,
    title: 'settings.title',
});
