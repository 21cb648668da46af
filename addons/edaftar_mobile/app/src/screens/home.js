/* This file is part of e-Daftar.  The COPYRIGHT file at the top level of
   this repository contains the full copyright notices and license terms.

   Home: the inbox tabs with their counts, most pressing first; the
   unread badge; the other screens' tiles (registered with a menu entry)
   with their own counts.  Pull down (or the refresh button) to read the
   counts again. */
import {html, useState, useEffect} from '../lib/html.js';
import {registerScreen, menuScreens} from '../registry.js';
import {TABS} from '../lib/inbox.js';
import {Screen, Icon, Section, formatNumber} from '../ui.js';

function Tile({href, label, count, alert = false, icon = null, id}) {
    const known = count !== null && count !== undefined;
    return html`<li class=${'tile' + (alert && count ? ' tile-alert' : '')}
            data-tab=${id}>
        <a href=${href} class="tile-link">
            ${icon ? html`<${Icon} name=${icon} />` : null}
            <span class="tile-label">${label}</span>
            <span class="tile-count" aria-label=${known ? null : '…'}>
                ${known ? formatNumber(count) : '…'}</span>
        </a>
    </li>`;
}

function Home({app, counts, outboxItems}) {
    const [badges, setBadges] = useState({});
    const menu = menuScreens(app);
    const loadBadges = async () => {
        const withBadge = menu.filter((s) => s.badge);
        if (!withBadge.length) {
            return;
        }
        try {
            const result = await app.cached('badges', async () => {
                const values = await Promise.all(withBadge.map(
                    (s) => s.badge(app).catch(() => null)));
                return Object.fromEntries(
                    withBadge.map((s, i) => [s.id, values[i]]));
            });
            setBadges(result.data || {});
        } catch (error) {
            // Offline and never read: no badge.
        }
    };
    useEffect(() => {
        app.peek('badges').then((stored) => {
            if (stored) {
                setBadges((b) => (Object.keys(b).length ? b : stored.data));
            }
        });
    }, []);
    // The tiles' counts after the inbox's (a slow line sends six requests
    // at a time: the inbox first), and again each time it is read
    const fresh = Boolean(counts.data && !counts.stale && !counts.loading);
    useEffect(() => {
        if (fresh || !app.online) {
            loadBadges();
        }
    }, [fresh ? counts.at : null]);
    const refresh = () => {
        app.refreshCounts();
    };
    const tabs = counts.data ? counts.data.tabs : {};
    const unread = counts.data ? counts.data.unread : null;
    const waiting = outboxItems.filter((i) => i.state !== 'sent').length;
    const name = app.user ? app.user.employee_name || app.user.name : '';
    // Marked stale when what is shown could not be read again
    const stale = counts.stale && counts.at && !counts.loading
        ? counts.at : null;
    return html`<${Screen} app=${app} title=${app.t('app.name')} back=${false}
            id="home" stale=${stale} onRefresh=${refresh}
            tools=${html`<a class="bar-button" href="#/settings"
                aria-label=${app.t('settings.title')}>
                <${Icon} name="settings" /></a>`}>
        <p class="greeting">${app.t('home.hello', {name})}
            ${unread ? html` <a class="badge" href="#/inbox/received"
                id="unread-badge" aria-label=${app.t('home.unread',
                    {count: unread})}>${formatNumber(unread)}</a>` : null}</p>
        <${Section} title=${app.t('home.inbox')} id="tabs"
                fresh=${fresh ? 'true' : 'false'}>
            <ul class="tiles">
                ${TABS.filter((tab) => !tab.secondary).map((tab) => html`
                    <${Tile} key=${tab.id} id=${tab.id}
                        href=${`#/inbox/${tab.id}`} label=${app.t(tab.label)}
                        count=${tabs[tab.id]} alert=${tab.alert} />`)}
            </ul>
        </${Section}>
        <${Section} title=${app.t('home.more')} id="menu">
            <ul class="tiles tiles-menu">
                ${menu.map((screen) => html`<${Tile} key=${screen.id}
                    id=${screen.id} href=${'#' + (screen.menu.href || screen.path)}
                    icon=${screen.menu.icon} label=${app.t(screen.menu.label)}
                    count=${screen.badge ? badges[screen.id] ?? null : undefined}
                    alert=${Boolean(screen.badge)} />`)}
                ${TABS.filter((tab) => tab.secondary).map((tab) => html`
                    <${Tile} key=${tab.id} id=${tab.id} icon="outbox"
                        href=${`#/inbox/${tab.id}`} label=${app.t(tab.label)}
                        count=${tabs[tab.id]} />`)}
                ${waiting ? html`<${Tile} id="outbox" href="#/outbox"
                    icon="outbox" label=${app.t('outbox.title')}
                    count=${waiting} alert=${true} />` : null}
            </ul>
        </${Section}>
    </${Screen}>`;
}

registerScreen({
    id: 'home',
    path: '/',
    component: Home,
    title: 'app.name',
});
