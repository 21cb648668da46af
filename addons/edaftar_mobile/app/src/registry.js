/* This file is part of e-Daftar.  The COPYRIGHT file at the top level of
   this repository contains the full copyright notices and license terms.

   The screen registry: each file of src/screens/ calls registerScreen()
   when imported (the contract is at the top of src/screens/index.js). */
import {addStrings} from './lib/i18n.js';

const screens = [];

export function registerScreen(screen) {
    if (!screen || !screen.id || !screen.path || !screen.component) {
        throw new Error('registerScreen needs id, path and component');
    }
    if (screens.some((s) => s.id === screen.id)) {
        throw new Error(`screen ${screen.id} is registered twice`);
    }
    const names = [];
    const pattern = screen.path.replace(/\/+$/, '').split('/').map((part) => {
        if (part.startsWith(':')) {
            names.push(part.slice(1));
            return '([^/]+)';
        }
        return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    }).join('/');
    screens.push({
        requires: [],
        ...screen,
        regexp: new RegExp(`^${pattern || ''}/?$`),
        names,
    });
    if (screen.strings) {
        addStrings(screen.strings);
    }
}

export function allScreens() {
    return screens;
}

export function menuScreens(app) {
    return screens
        .filter((s) => s.menu && s.requires.every(app.hasModel)
            && (!s.visible || s.visible(app)))
        .sort((a, b) => (a.menu.order || 50) - (b.menu.order || 50));
}

// '#/doc/edaftar.receipt/12?tab=chat' -> {screen, params, query, path}
export function resolve(hash, hasModel) {
    const raw = (hash || '').replace(/^#/, '') || '/';
    const [path, search = ''] = raw.split('?');
    const query = Object.fromEntries(new URLSearchParams(search));
    for (const screen of screens) {
        const match = screen.regexp.exec(path === '/' ? '' : path.replace(/\/+$/, ''));
        if (match) {
            if (!screen.requires.every(hasModel)) {
                return {screen: null, params: {}, query, path};
            }
            const params = {};
            screen.names.forEach((name, index) => {
                params[name] = decodeURIComponent(match[index + 1]);
            });
            return {screen, params, query, path};
        }
    }
    return {screen: null, params: {}, query, path};
}
