/* This file is part of e-Daftar.  The COPYRIGHT file at the top level of
   this repository contains the full copyright notices and license terms.

   The start of the app: the screens register themselves, the shell is
   drawn into <body>, the service worker (sw.js, scope ./ = the app's
   path) is registered. */
import {html, render} from './lib/html.js';
import './screens/index.js';
import {App} from './app.js';

// Trusted Types: the service worker's address is the one script URL the
// page makes; everything else is text (Preact sets textContent).
let policy = null;
try {
    if (window.trustedTypes && window.trustedTypes.createPolicy) {
        policy = window.trustedTypes.createPolicy('edaftar-mobile', {
            createScriptURL(url) {
                if (url !== 'sw.js') {
                    throw new TypeError(`not the app's script: ${url}`);
                }
                return url;
            },
        });
    }
} catch (error) {
    policy = null;  // the page's policy allows no policy: none needed
}

function registerWorker() {
    if (!('serviceWorker' in navigator)) {
        return;
    }
    const url = policy ? policy.createScriptURL('sw.js') : 'sw.js';
    navigator.serviceWorker.register(url, {scope: './'}).catch((error) => {
        console.warn('service worker', error);
    });
}

const root = document.getElementById('app');
root.replaceChildren();
render(html`<${App} />`, root);
if (document.readyState === 'complete') {
    registerWorker();
} else {
    window.addEventListener('load', registerWorker);
}
