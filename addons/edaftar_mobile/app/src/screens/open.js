/* This file is part of e-Daftar.  The COPYRIGHT file at the top level of
   this repository contains the full copyright notices and license terms.

   '#/open/<model>/<id>': the address a push alert opens (edaftar_mobile
   doc/design.rst, payload url).  It goes to the screen that shows that
   model: a screen says so with opens: ['model'] and ':id' (and ':model')
   in its path; the app's home otherwise. */
import {html, useEffect} from '../lib/html.js';
import {registerScreen, allScreens} from '../registry.js';
import {Loading} from '../ui.js';

export function pathFor(model, id, hasModel = () => true) {
    for (const screen of allScreens()) {
        if ((screen.opens || []).includes(model)
                && (screen.requires || []).every(hasModel)) {
            return screen.path.replace(':model', encodeURIComponent(model))
                .replace(':id', encodeURIComponent(id));
        }
    }
    return '/';
}

function Open({app, params}) {
    useEffect(() => {
        window.location.replace('#' + pathFor(params.model, params.id,
            app.hasModel));
    }, [params.model, params.id]);
    return html`<${Loading} />`;
}

registerScreen({
    id: 'open',
    path: '/open/:model/:id',
    component: Open,
    title: 'app.name',
});
